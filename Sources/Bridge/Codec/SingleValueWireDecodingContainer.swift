/// Reads the one value a decoder stands for, in place of a container.
struct SingleValueWireDecodingContainer: SingleValueDecodingContainer {
    let decoder: WireDecoder

    var codingPath: [any CodingKey] { decoder.codingPath }

    private func read<Value>(_ read: (inout _WireReader) throws(WireFormatError) -> Value) throws -> Value {
        var reader = decoder.reader(at: decoder.start)
        do { return try read(&reader) } catch { throw error.decodingError(codingPath: codingPath) }
    }

    func decodeNil() -> Bool {
        do throws(WireFormatError) {
            return try decoder.reader(at: decoder.start).peekTag() == .null
        } catch {
            decoder.record(error)  // this method cannot throw; the decoder throws it later
            return false
        }
    }

    func decode(_ type: Bool.Type) throws -> Bool { try read { (reader) throws(WireFormatError) in try reader.readBool() } }
    func decode(_ type: String.Type) throws -> String { try read { (reader) throws(WireFormatError) in try reader.readString() } }
    func decode(_ type: Double.Type) throws -> Double { try read { (reader) throws(WireFormatError) in try reader.readDouble() } }
    func decode(_ type: Float.Type) throws -> Float { try read { (reader) throws(WireFormatError) in try reader.readFloat() } }
    func decode(_ type: Int.Type) throws -> Int { try decodeInteger(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decodeInteger(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decodeInteger(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decodeInteger(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decodeInteger(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try decodeInteger(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decodeInteger(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decodeInteger(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decodeInteger(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decodeInteger(type) }
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    func decode(_ type: Int128.Type) throws -> Int128 { try decodeInteger(type) }
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    func decode(_ type: UInt128.Type) throws -> UInt128 { try decodeInteger(type) }

    private func decodeInteger<Integer: FixedWidthInteger>(_ type: Integer.Type) throws -> Integer {
        try read { (reader) throws(WireFormatError) in try reader.readInteger(type) }
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        var reader = decoder.reader(at: decoder.start)
        return try reader.decodeValue(type, at: .content(of: decoder))
    }
}
