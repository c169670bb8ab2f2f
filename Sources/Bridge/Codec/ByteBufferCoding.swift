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
        let bytes = reader.bytes
        guard range.count >= LargeBuffers.threshold else {
            return bytes.withUnsafeBufferPointer { Data(buffer: UnsafeBufferPointer(rebasing: $0[range])) }
        }
        // A large value shares the frame's storage instead of copying it. The pointer stays
        // valid after the closure: the deallocator holds the array, so its storage lives as
        // long as the `Data`, and nothing mutates it in place (a writer would copy first).
        let base = bytes.withUnsafeBufferPointer { $0.baseAddress! }
        return Data(
            bytesNoCopy: UnsafeMutableRawPointer(mutating: base + range.lowerBound), count: range.count,
            deallocator: .custom { _, _ in LargeBuffers.recycle(bytes) })
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
