#if canImport(FoundationEssentials)
import FoundationEssentials  // `Data` without the rest of Foundation's start-up cost
#else
import Foundation
#endif

// `Data` and `[UInt8]` travel as one `bytes` value: a length and one copy, where their own
// Codable conformances would make a call per byte.

extension Data: DirectWireEncodable, DirectWireDecodable {
    func writeWire(to writer: inout _WireWriter) {
        withUnsafeBytes { writer.writeBytes($0) }
    }

    static func readWire(from reader: inout _WireReader) throws(WireFormatError) -> Self {
        let range = try reader.readBytes(as: Data.self)
        return reader.bytes.withUnsafeBufferPointer { Data(buffer: UnsafeBufferPointer(rebasing: $0[range])) }
    }
}

extension Array: IntrinsicWireEncodable, IntrinsicWireDecodable, DirectWireEncodable, DirectWireDecodable where Element == UInt8 {
    func writeWire(to writer: inout _WireWriter) {
        withUnsafeBytes { writer.writeBytes($0) }
    }

    static func readWire(from reader: inout _WireReader) throws(WireFormatError) -> Self {
        let range = try reader.readBytes(as: [UInt8].self)
        return Array(reader.bytes[range])
    }
}
