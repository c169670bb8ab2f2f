/// Writes a sequence of tagged values, one after another.
///
/// The concrete overloads write straight into the buffer: no generic dispatch, no casts.
struct UnkeyedWireEncodingContainer: UnkeyedEncodingContainer {
    /// The value this container is the content of.
    let encoder: WireEncoder
    private(set) var count = 0
    /// Stored, not read through `encoder` each time: saves a retain and release per write.
    private let state: WireEncodingState

    init(encoder: WireEncoder) {
        self.encoder = encoder
        self.state = encoder.state
    }

    var codingPath: [any CodingKey] { encoder.codingPath }

    private mutating func beginElement() throws {
        try state.beginEntry(inContainerOf: encoder)
        count += 1
    }

    mutating func encodeNil() throws {
        try beginElement()
        state.writer.writeTag(.null)
    }

    mutating func encode(_ value: Bool) throws {
        try beginElement()
        state.writer.writeBool(value)
    }

    mutating func encode(_ value: String) throws {
        try beginElement()
        state.writer.writeString(value)
    }

    mutating func encode(_ value: Double) throws {
        try beginElement()
        state.writer.writeDouble(value)
    }

    mutating func encode(_ value: Float) throws {
        try beginElement()
        state.writer.writeFloat(value)
    }

    mutating func encode(_ value: Int) throws { try encodeSigned(Int64(value)) }
    mutating func encode(_ value: Int8) throws { try encodeSigned(Int64(value)) }
    mutating func encode(_ value: Int16) throws { try encodeSigned(Int64(value)) }
    mutating func encode(_ value: Int32) throws { try encodeSigned(Int64(value)) }
    mutating func encode(_ value: Int64) throws { try encodeSigned(value) }
    mutating func encode(_ value: UInt) throws { try encodeUnsigned(UInt64(value)) }
    mutating func encode(_ value: UInt8) throws { try encodeUnsigned(UInt64(value)) }
    mutating func encode(_ value: UInt16) throws { try encodeUnsigned(UInt64(value)) }
    mutating func encode(_ value: UInt32) throws { try encodeUnsigned(UInt64(value)) }
    mutating func encode(_ value: UInt64) throws { try encodeUnsigned(value) }
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func encode(_ value: Int128) throws {
        try beginElement()
        state.writer.writeSignedInteger(value)
    }
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func encode(_ value: UInt128) throws {
        try beginElement()
        state.writer.writeUnsignedInteger(value)
    }

    private mutating func encodeSigned(_ value: Int64) throws {
        try beginElement()
        state.writer.writeSignedInteger(value)
    }

    private mutating func encodeUnsigned(_ value: UInt64) throws {
        try beginElement()
        state.writer.writeUnsignedInteger(value)
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let key = IndexCodingKey(count)
        try beginElement()
        try state.encodeValue(value, at: .entry(of: encoder, key: key))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        nestedEncoder().container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        nestedEncoder().unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let encoder = nestedEncoder()
        state.expectSuperEncoder(encoder)
        return encoder
    }

    /// Starts an element that an encoder handed out to the caller will write.
    private mutating func nestedEncoder() -> WireEncoder {
        let position = EncodingPosition.entry(of: encoder, key: IndexCodingKey(count))
        do {
            try beginElement()
        } catch {
            state.record(error)
            return .failed(in: state, at: position)
        }
        return WireEncoder.nested(in: state, at: position)
    }
}
