/// Writes a value's fields as keyed entries: the key's UTF-8, then the tagged value.
///
/// The concrete overloads write straight into the buffer: no generic dispatch, no casts.
struct KeyedWireEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    /// The value this container is the content of.
    let encoder: WireEncoder
    /// Stored, not read through `encoder` each time: saves a retain and release per write.
    private let state: WireEncodingState

    init(encoder: WireEncoder) {
        self.encoder = encoder
        self.state = encoder.state
    }

    var codingPath: [any CodingKey] { encoder.codingPath }

    private func beginEntry(_ key: String) throws {
        try state.beginEntry(inContainerOf: encoder)
        state.writer.writeKey(key)
    }

    mutating func encodeNil(forKey key: Key) throws {
        try beginEntry(key.stringValue)
        state.writer.writeTag(.null)
    }

    mutating func encode(_ value: Bool, forKey key: Key) throws {
        try beginEntry(key.stringValue)
        state.writer.writeBool(value)
    }

    mutating func encode(_ value: String, forKey key: Key) throws {
        try beginEntry(key.stringValue)
        state.writer.writeString(value)
    }

    mutating func encode(_ value: Double, forKey key: Key) throws {
        try beginEntry(key.stringValue)
        state.writer.writeDouble(value)
    }

    mutating func encode(_ value: Float, forKey key: Key) throws {
        try beginEntry(key.stringValue)
        state.writer.writeFloat(value)
    }

    mutating func encode(_ value: Int, forKey key: Key) throws { try encodeSigned(Int64(value), forKey: key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try encodeSigned(Int64(value), forKey: key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try encodeSigned(Int64(value), forKey: key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try encodeSigned(Int64(value), forKey: key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try encodeSigned(value, forKey: key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try encodeUnsigned(UInt64(value), forKey: key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try encodeUnsigned(UInt64(value), forKey: key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try encodeUnsigned(UInt64(value), forKey: key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try encodeUnsigned(UInt64(value), forKey: key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try encodeUnsigned(value, forKey: key) }
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func encode(_ value: Int128, forKey key: Key) throws {
        try beginEntry(key.stringValue)
        state.writer.writeSignedInteger(value)
    }
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func encode(_ value: UInt128, forKey key: Key) throws {
        try beginEntry(key.stringValue)
        state.writer.writeUnsignedInteger(value)
    }

    private func encodeSigned(_ value: Int64, forKey key: Key) throws {
        try beginEntry(key.stringValue)
        state.writer.writeSignedInteger(value)
    }

    private func encodeUnsigned(_ value: UInt64, forKey key: Key) throws {
        try beginEntry(key.stringValue)
        state.writer.writeUnsignedInteger(value)
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try beginEntry(key.stringValue)
        try state.encodeValue(value, at: .entry(of: encoder, key: key))
    }

    /// Writes nothing for `nil`; otherwise `some` and the value. The marker is what lets
    /// `decodeIfPresent` tell a present value whose own encoding is `nil` (an `Int??` holding
    /// `.some(nil)`, a wrapper around an Optional) from a field that was `nil`.
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
        guard let value else { return }
        try beginEntry(key.stringValue)
        let position = EncodingPosition.entry(of: encoder, key: key)
        try state.checkNesting(at: position)
        state.writer.writeTag(.some)
        try state.encodeValue(value, at: position.unwrapped())
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type,
        forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        nestedEncoder(forKey: key).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        nestedEncoder(forKey: key).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        superEncoder(key: SuperCodingKey())
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        superEncoder(key: key)
    }

    private func superEncoder(key: any CodingKey) -> WireEncoder {
        let encoder = nestedEncoder(forKey: key)
        state.expectSuperEncoder(encoder)
        return encoder
    }

    /// Writes the key of a value that an encoder handed out to the caller will write.
    private func nestedEncoder(forKey key: any CodingKey) -> WireEncoder {
        do {
            try beginEntry(key.stringValue)
        } catch {
            state.record(error)
            return .failed(in: state, at: .entry(of: encoder, key: key))
        }
        return WireEncoder.nested(in: state, at: .entry(of: encoder, key: key))
    }
}
