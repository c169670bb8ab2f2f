/// Reads a sequence of tagged values in order.
struct UnkeyedWireDecodingContainer: UnkeyedDecodingContainer {
    /// The value this container is the content of.
    let decoder: WireDecoder
    /// Where the elements lie.
    let body: Range<Int>
    /// Where the next element starts.
    private var cursor: Int
    private(set) var currentIndex = 0

    init(decoder: WireDecoder, body: Range<Int>) {
        self.decoder = decoder
        self.body = body
        self.cursor = body.lowerBound
    }

    var codingPath: [any CodingKey] { decoder.codingPath }

    var isAtEnd: Bool { cursor >= body.upperBound }

    /// The format stores no count, so the elements are counted (skipped by their lengths, no
    /// decoding) the first time anyone asks; nil if they cannot be counted.
    var count: Int? {
        if let counted = decoder.elementCount { return counted }
        var reader = decoder.reader(at: body.lowerBound, end: body.upperBound)
        var counted = 0
        while !reader.isAtEnd {
            do throws(WireFormatError) {
                try reader.skipValue()
            } catch {
                decoder.record(error)  // this property cannot throw; the decoder throws it later
                decoder.elementCount = .some(nil)
                return nil
            }
            counted += 1
        }
        decoder.elementCount = counted
        return counted
    }

    /// Reads the next element with `read` and moves past it.
    private mutating func decodeElement<Value>(
        as type: Any.Type,
        _ read: (inout _WireReader) throws -> Value
    ) throws -> Value {
        let key = IndexCodingKey(currentIndex)
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(type, DecodingError.Context(
                codingPath: codingPath + [key],
                debugDescription: "the unkeyed container at byte offset \(decoder.start) has no more elements"
            ))
        }
        var reader = decoder.reader(at: cursor, end: body.upperBound)
        do {
            let value = try read(&reader)
            if reader.offset > cursor {  // a peek that found no nil leaves the element in place
                cursor = reader.offset
                currentIndex += 1
            }
            return value
        } catch let error as WireFormatError {
            throw error.decodingError(codingPath: codingPath + [key])
        }
    }

    mutating func decodeNil() throws -> Bool {
        // Peeks, and consumes only a nil: otherwise the caller goes on to decode the element.
        try decodeElement(as: Never?.self) { reader in
            guard try reader.peekTag() == .null else { return false }
            reader.offset += 1
            return true
        }
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool {
        try decodeElement(as: type) { reader in try reader.readBool() }
    }

    mutating func decode(_ type: String.Type) throws -> String {
        try decodeElement(as: type) { reader in try reader.readString() }
    }

    mutating func decode(_ type: Double.Type) throws -> Double {
        try decodeElement(as: type) { reader in try reader.readDouble() }
    }

    mutating func decode(_ type: Float.Type) throws -> Float {
        try decodeElement(as: type) { reader in try reader.readFloat() }
    }

    mutating func decode(_ type: Int.Type) throws -> Int { try decodeInteger(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try decodeInteger(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try decodeInteger(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try decodeInteger(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try decodeInteger(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try decodeInteger(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try decodeInteger(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try decodeInteger(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try decodeInteger(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try decodeInteger(type) }
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func decode(_ type: Int128.Type) throws -> Int128 { try decodeInteger(type) }
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func decode(_ type: UInt128.Type) throws -> UInt128 { try decodeInteger(type) }

    private mutating func decodeInteger<Integer: FixedWidthInteger>(_ type: Integer.Type) throws -> Integer {
        try decodeElement(as: type) { reader in try reader.readInteger(type) }
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let position = DecodingPosition.entry(of: decoder, key: IndexCodingKey(currentIndex))
        return try decodeElement(as: type) { reader in try reader.decodeValue(type, at: position) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try nestedDecoder().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try nestedDecoder().unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        try nestedDecoder()
    }

    /// A decoder for the next element, which the caller reads through its own containers.
    private mutating func nestedDecoder() throws -> WireDecoder {
        let key = IndexCodingKey(currentIndex)
        let elementStart = cursor
        try decodeElement(as: Void.self) { reader in try reader.skipValue() }
        return try decoder.nested(at: elementStart, end: body.upperBound, key: key)
    }
}
