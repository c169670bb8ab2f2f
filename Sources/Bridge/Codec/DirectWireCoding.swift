/// A type with a tag and payload of its own: the primitives Codable knows, plus `Data` and
/// `[UInt8]`, whose own Codable would spend one call per byte.
///
/// `writeWire` must only write to `writer`: the encoding state calls it on its own writer,
/// which it does not check for overlapping access.
protocol DirectWireEncodable: IntrinsicWireEncodable {
    func writeWire(to writer: inout _WireWriter)
}

extension DirectWireEncodable {
    // `value` is a `Self` known to the caller only as a generic parameter: the casts are
    // between identical types and cannot fail.

    static func encodeIntrinsically<Value>(_ value: Value, into state: WireEncodingState, at position: EncodingPosition) {
        (value as! Self).writeWire(to: &state.writer)
    }

    static func writeWithoutState<Value>(_ value: Value, to writer: inout _WireWriter) -> Bool {
        (value as! Self).writeWire(to: &writer)
        return true
    }
}

/// A type the codec reads by its own tag; see `DirectWireEncodable`.
protocol DirectWireDecodable: IntrinsicWireDecodable {
    static func readWire(from reader: inout _WireReader) throws(WireFormatError) -> Self
}

extension DirectWireDecodable {
    static func decodeIntrinsically(from reader: inout _WireReader, at position: DecodingPosition) throws -> Self {
        do { return try readWire(from: &reader) } catch { throw error.decodingError(codingPath: position.codingPath) }
    }
}

extension Bool: DirectWireEncodable, DirectWireDecodable {
    func writeWire(to writer: inout _WireWriter) { writer.writeBool(self) }
    static func readWire(from reader: inout _WireReader) throws(WireFormatError) -> Self { try reader.readBool() }
}

extension String: DirectWireEncodable, DirectWireDecodable {
    func writeWire(to writer: inout _WireWriter) { writer.writeString(self) }
    static func readWire(from reader: inout _WireReader) throws(WireFormatError) -> Self { try reader.readString() }
}

extension Double: DirectWireEncodable, DirectWireDecodable {
    func writeWire(to writer: inout _WireWriter) { writer.writeDouble(self) }
    static func readWire(from reader: inout _WireReader) throws(WireFormatError) -> Self { try reader.readDouble() }
}

extension Float: DirectWireEncodable, DirectWireDecodable {
    func writeWire(to writer: inout _WireWriter) { writer.writeFloat(self) }
    static func readWire(from reader: inout _WireReader) throws(WireFormatError) -> Self { try reader.readFloat() }
}

/// The integer types share one reader: any integer tag, range checked against `Self`.
protocol DirectWireInteger: FixedWidthInteger, DirectWireDecodable {}

extension DirectWireInteger {
    static func readWire(from reader: inout _WireReader) throws(WireFormatError) -> Self {
        try reader.readInteger(Self.self)
    }
}

/// The signed integers share one writer: a zigzag varint.
protocol DirectWireSignedInteger: DirectWireInteger, SignedInteger, DirectWireEncodable {}

extension DirectWireSignedInteger {
    func writeWire(to writer: inout _WireWriter) { writer.writeSignedInteger(Int64(self)) }
}

/// The unsigned integers share one writer: a plain varint.
protocol DirectWireUnsignedInteger: DirectWireInteger, UnsignedInteger, DirectWireEncodable {}

extension DirectWireUnsignedInteger {
    func writeWire(to writer: inout _WireWriter) { writer.writeUnsignedInteger(UInt64(self)) }
}

extension Int: DirectWireSignedInteger {}
extension Int8: DirectWireSignedInteger {}
extension Int16: DirectWireSignedInteger {}
extension Int32: DirectWireSignedInteger {}
extension Int64: DirectWireSignedInteger {}
extension UInt: DirectWireUnsignedInteger {}
extension UInt8: DirectWireUnsignedInteger {}
extension UInt16: DirectWireUnsignedInteger {}
extension UInt32: DirectWireUnsignedInteger {}
extension UInt64: DirectWireUnsignedInteger {}
