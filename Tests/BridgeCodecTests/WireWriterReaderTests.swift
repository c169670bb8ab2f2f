import Bridge
import Testing

/// The surface generated code and the frame layer use directly.
@Suite struct WireWriterReaderTests {
    @Test func topLevelValuesReadBackInOrder() throws {
        struct Point: Codable, Equatable { var x: Int; var y: Int }
        var writer = _WireWriter()
        try writer.encode("path")
        try writer.encode(42)
        try writer.encode(Point(x: 1, y: -2))
        try writer.encode(Int??.some(nil))
        try writer.encode([String]())
        try writer.encode(UInt8(255))

        var reader = _WireReader(bytes: writer.bytes)
        #expect(try reader.decode(String.self) == "path")
        #expect(try reader.decode(Int.self) == 42)
        #expect(try reader.decode(Point.self) == Point(x: 1, y: -2))
        #expect(try reader.decode(Int??.self) == .some(nil))
        #expect(try reader.decode([String].self) == [])
        #expect(try reader.decode(UInt8.self) == 255)
        #expect(reader.isAtEnd)
        #expect(throws: DecodingError.self) { try reader.decode(Int.self) }
    }

    @Test func fastPathsAndGenericPathWriteTheSameBytes() throws {
        func generic<T: Encodable>(_ value: T) throws -> [UInt8] {
            var writer = _WireWriter()
            try writer.encode(value)
            return writer.bytes
        }
        var writer = _WireWriter()
        try writer.encode(Int8(-5))
        try writer.encode(Int16(-5))
        try writer.encode(Int32(-5))
        try writer.encode(Int64(-5))
        try writer.encode(UInt16(5))
        try writer.encode(UInt32(5))
        try writer.encode(UInt64(5))
        try writer.encode(Float(0.5))
        try writer.encode(Double(0.5))
        try writer.encode(true)
        try writer.encode("x")
        let expected = try generic(Int8(-5)) + generic(Int16(-5)) + generic(Int32(-5)) + generic(Int64(-5))
            + generic(UInt16(5)) + generic(UInt32(5)) + generic(UInt64(5))
            + generic(Float(0.5)) + generic(Double(0.5)) + generic(true) + generic("x")
        #expect(writer.bytes == expected)

        var reader = _WireReader(bytes: writer.bytes)
        #expect(try reader.decode(Int8.self) == -5)
        #expect(try reader.decode(Int16.self) == -5)
        #expect(try reader.decode(Int32.self) == -5)
        #expect(try reader.decode(Int64.self) == -5)
        #expect(try reader.decode(UInt16.self) == 5)
        #expect(try reader.decode(UInt32.self) == 5)
        #expect(try reader.decode(UInt64.self) == 5)
        #expect(try reader.decode(Float.self) == 0.5)
        #expect(try reader.decode(Double.self) == 0.5)
        #expect(try reader.decode(Bool.self) == true)
        #expect(try reader.decode(String.self) == "x")
        #expect(reader.isAtEnd)
    }

    @Test func aReservedHeaderCanBePatchedOnceTheBodyIsWritten() throws {
        var writer = _WireWriter(reserving: 8)
        #expect(writer.bytes == [0, 0, 0, 0, 0, 0, 0, 0])
        try writer.encode("body")
        let bodyLength = UInt32(writer.bytes.count - 8)
        writer.patchUInt32LittleEndian(bodyLength, at: 0)
        writer.withUnsafeMutableBytes { $0[4] = 0xAB }

        var reader = _WireReader(bytes: writer.bytes)
        #expect(try reader.readUInt32LittleEndian() == bodyLength)
        #expect(try reader.readUInt32LittleEndian() == 0xAB)
        #expect(try reader.decode(String.self) == "body")
    }

    @Test func rawHelpersAreLittleEndianAndUntagged() throws {
        var writer = _WireWriter()
        writer.writeUInt32LittleEndian(0x0403_0201)
        writer.writeUInt64LittleEndian(0x0C0B_0A09_0807_0605)
        [UInt8]([0xEE, 0xFF]).withUnsafeBytes { writer.writeRaw($0) }
        #expect(writer.bytes == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0xEE, 0xFF])

        var reader = _WireReader(bytes: [0xAA] + writer.bytes, startingAt: 1)
        #expect(reader.offset == 1)
        #expect(try reader.readUInt32LittleEndian() == 0x0403_0201)
        #expect(try reader.readUInt64LittleEndian() == 0x0C0B_0A09_0807_0605)
        #expect(Array(reader.readRemainingBytes()) == [0xEE, 0xFF])
        #expect(reader.isAtEnd)
        #expect(reader.readRemainingBytes().isEmpty)
        #expect(throws: DecodingError.self) { try reader.readUInt32LittleEndian() }
        #expect(throws: DecodingError.self) { try reader.readUInt64LittleEndian() }
    }

    @Test func aFailedEncodeLeavesTheWriterAsItWas() throws {
        struct FailsHalfway: Encodable {
            struct Refused: Error {}
            enum Keys: CodingKey { case a, b }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Keys.self)
                try container.encode("written", forKey: .a)
                throw Refused()
            }
        }
        var writer = _WireWriter()
        try writer.encode(7)
        let before = writer.bytes
        #expect(throws: FailsHalfway.Refused.self) { try writer.encode(FailsHalfway()) }
        #expect(writer.bytes == before)
        try writer.encode(8)
        var reader = _WireReader(bytes: writer.bytes)
        #expect(try reader.decode(Int.self) == 7)
        #expect(try reader.decode(Int.self) == 8)
    }
}
