// TEMPORARY stand-in for the codec (JSON per value) so the runtime can be exercised; replaced
// by the binary codec before landing.
import Foundation

public struct _WireWriter {
    package private(set) var bytes: [UInt8]
    package init() { bytes = [] }
    package init(reserving headerCount: Int) { bytes = [UInt8](repeating: 0, count: headerCount) }
    public mutating func encode<T: Encodable>(_ value: T) throws {
        let data = try JSONEncoder().encode([value])
        writeUInt32LittleEndian(UInt32(data.count))
        bytes += data
    }
    package mutating func writeUInt32LittleEndian(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
    package mutating func writeUInt64LittleEndian(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
    package mutating func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeMutableBytes(body)
    }
}

public struct _WireReader {
    let bytes: [UInt8]
    package private(set) var offset: Int
    package init(bytes: [UInt8], startingAt offset: Int = 0) { self.bytes = bytes; self.offset = offset }
    package var isAtEnd: Bool { offset >= bytes.count }
    public mutating func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        let count = Int(try readUInt32LittleEndian())
        guard offset + count <= bytes.count else { throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "truncated")) }
        let data = Data(bytes[offset..<offset + count])
        offset += count
        return try JSONDecoder().decode([T].self, from: data)[0]
    }
    package mutating func readUInt32LittleEndian() throws -> UInt32 {
        guard offset + 4 <= bytes.count else { throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "truncated")) }
        var value: UInt32 = 0
        for i in 0..<4 { value |= UInt32(bytes[offset + i]) << (8 * i) }
        offset += 4
        return value
    }
    package mutating func readUInt64LittleEndian() throws -> UInt64 {
        let low = try readUInt32LittleEndian(), high = try readUInt32LittleEndian()
        return UInt64(low) | UInt64(high) << 32
    }
}
