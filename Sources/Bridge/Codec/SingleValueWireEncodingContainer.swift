/// Writes the one value an encoder stands for, in place of a container.
struct SingleValueWireEncodingContainer: SingleValueEncodingContainer {
    let encoder: WireEncoder
    /// Stored, not read through `encoder` each time: saves a retain and release per write.
    private let state: WireEncodingState

    init(encoder: WireEncoder) {
        self.encoder = encoder
        self.state = encoder.state
    }

    var codingPath: [any CodingKey] { encoder.codingPath }

    private func beginValue() throws {
        try state.begin(encoder)
        encoder.content = .singleValue
    }

    mutating func encodeNil() throws {
        try beginValue()
        state.writer.writeTag(.null)
    }

    mutating func encode(_ value: Bool) throws {
        try beginValue()
        state.writer.writeBool(value)
    }

    mutating func encode(_ value: String) throws {
        try beginValue()
        state.writer.writeString(value)
    }

    mutating func encode(_ value: Double) throws {
        try beginValue()
        state.writer.writeDouble(value)
    }

    mutating func encode(_ value: Float) throws {
        try beginValue()
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
        try beginValue()
        state.writer.writeSignedInteger(value)
    }
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func encode(_ value: UInt128) throws {
        try beginValue()
        state.writer.writeUnsignedInteger(value)
    }

    private func encodeSigned(_ value: Int64) throws {
        try beginValue()
        state.writer.writeSignedInteger(value)
    }

    private func encodeUnsigned(_ value: UInt64) throws {
        try beginValue()
        state.writer.writeUnsignedInteger(value)
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try beginValue()
        try state.encodeValue(value, at: .content(of: encoder))
    }
}
