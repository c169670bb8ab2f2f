/// The `Decoder` for one value: opens the container the value was written as.
/// One is allocated for each value the codec cannot read directly (structs, classes, enums,
/// collections); primitives, strings, bytes and Optionals are read without one.
final class WireDecoder: Decoder {
    let bytes: [UInt8]
    /// Where the value's tag is.
    let start: Int
    /// The end of the container holding the value, or of the input: no read goes past it.
    let end: Int
    let position: DecodingPosition
    /// See `_WireReader.objectSource`.
    let objectSource: (any WireObjectSource)?
    /// See `_WireReader.descriptors`.
    let descriptors: WireDescriptors?

    /// Where a keyed container of this value expects its next entry: when fields are read in
    /// the order they were written, each lookup is one key comparison instead of a scan.
    ///
    /// Like the other mutable properties, `@exclusivity(unchecked)`: each access is brief and
    /// calls nothing that could reach back here (see `WireEncodingState`).
    @exclusivity(unchecked) var keyedCursor = 0
    /// An unkeyed container's element count, counted when first asked for.
    @exclusivity(unchecked) var elementCount: Int??
    /// Malformed bytes met where Codable gives no way to throw (`allKeys`, `contains`, `count`,
    /// `decodeNil()`); thrown once the value's `init(from:)` returns, so that a corrupt frame
    /// never decodes as, say, an empty dictionary.
    @exclusivity(unchecked) private(set) var deferredError: (any Error)?  // one pointer, unlike DecodingError

    init(
        bytes: [UInt8], start: Int, end: Int, position: DecodingPosition, objectSource: (any WireObjectSource)?,
        descriptors: WireDescriptors?
    ) {
        self.bytes = bytes
        self.start = start
        self.end = end
        self.position = position
        self.objectSource = objectSource
        self.descriptors = descriptors
    }

    var codingPath: [any CodingKey] { position.codingPath }

    var userInfo: [CodingUserInfoKey: Any] {
        guard let objectSource else { return [:] }
        if let source = objectSource as? any WireUserInfoSource { return source.wireUserInfo }
        return [.bridgeObjectSource: objectSource]
    }

    /// A reader of this value's bytes, confined to its container.
    func reader(at offset: Int, end: Int? = nil) -> _WireReader {
        _WireReader(bytes: bytes, offset: offset, end: end ?? self.end, objectSource: objectSource, descriptors: descriptors)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        let body = try containerBody(.keyedContainer, as: [String: Any].self)
        if keyedCursor < body.lowerBound || keyedCursor > body.upperBound { keyedCursor = body.lowerBound }
        return KeyedDecodingContainer(KeyedWireDecodingContainer(decoder: self, body: body))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        UnkeyedWireDecodingContainer(decoder: self, body: try containerBody(.unkeyedContainer, as: [Any].self))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValueWireDecodingContainer(decoder: self)
    }

    /// Where the entries of this value's container lie. A value whose `encode(to:)` wrote
    /// nothing reads as an empty container, so that an empty struct can decode from it.
    private func containerBody(_ expected: WireTag, as type: Any.Type) throws -> Range<Int> {
        var reader = reader(at: start)
        // Only here may `some` markers be passed over (the value was written as an Optional):
        // before the value is asked for a container, they might belong to what its single
        // value container holds.
        reader.skipSomeTags()
        do throws(WireFormatError) {
            let tag = try reader.peekTag()
            switch tag {
            case expected:
                reader.offset += 1
                return try reader.readContainerBody()
            case .empty:
                return (reader.offset + 1)..<(reader.offset + 1)
            default:
                throw WireFormatError.mismatch(expected: type, found: tag, at: reader.offset)
            }
        } catch {
            throw error.decodingError(codingPath: codingPath)
        }
    }

    /// Remembers malformed bytes found by a query that cannot throw, here and in every
    /// enclosing value still being decoded.
    func record(_ error: WireFormatError) {
        var decoder: WireDecoder? = self
        while let current = decoder, current.deferredError == nil {
            current.deferredError = error.decodingError(codingPath: codingPath)
            decoder = current.position.parent
        }
    }

    /// A decoder for a value inside this one's container (a nested container, a super decoder).
    func nested(at offset: Int, end: Int, key: any CodingKey) throws -> WireDecoder {
        let position = DecodingPosition.entry(of: self, key: key)
        try position.checkNesting(at: offset)
        return WireDecoder(
            bytes: bytes, start: offset, end: end, position: position, objectSource: objectSource, descriptors: descriptors)
    }
}

extension _WireReader {
    /// Reads one value of any `Decodable` type and leaves the reader after it, however much
    /// of it the type's `init(from:)` looked at.
    mutating func decodeValue<T: Decodable>(_ type: T.Type, at position: DecodingPosition) throws -> T {
        if let intrinsicType = T.self as? any IntrinsicWireDecodable.Type {
            return try intrinsicType.decodeIntrinsically(as: type, from: &self, at: position)
        }
        try position.checkNesting(at: offset)
        let decoder = WireDecoder(
            bytes: bytes, start: offset, end: end, position: position, objectSource: objectSource, descriptors: descriptors)
        let value = try T(from: decoder)
        if let deferredError = decoder.deferredError { throw deferredError }
        do { try skipValue() } catch { throw error.decodingError(codingPath: position.codingPath) }
        return value
    }
}
