import Bridge
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Descriptor values in the codec: an index into the descriptors a message carries, written
/// only by a writer whose bytes go over a bridge's socket.
@Suite struct DescriptorCodingTests {
    struct Labeled: Codable {
        var label: String
        var files: [BridgeFileDescriptor?]
    }

    /// A pipe's two ends, closed by the caller.
    func pipeEnds() throws -> (Int32, Int32) {
        var ends: [Int32] = [-1, -1]
        try #require(pipe(&ends) == 0)
        return (ends[0], ends[1])
    }

    @Test func aFrameWriterCarriesDescriptorsAndAReaderTakesEachOnce() throws {
        let (read, write) = try pipeEnds()
        defer { close(read); close(write) }
        var writer = _WireWriter.frame()
        let file = try BridgeFileDescriptor(duplicating: write)
        try writer.encode(Labeled(label: "x", files: [file, nil, file]))
        let descriptors = try #require(writer.descriptors)
        #expect(descriptors.count == 2)  // each value sends a duplicate of its own

        var reader = _WireReader(bytes: Array(writer.bytes.dropFirst(Frame.headerSize)), descriptors: descriptors)
        let decoded = try reader.decode(Labeled.self)
        #expect(decoded.label == "x" && decoded.files.count == 3 && decoded.files[1] == nil)
        let first = try #require(decoded.files[0]?.rawValue)
        let third = try #require(decoded.files[2]?.rawValue)
        #expect(first >= 0 && third >= 0 && first != third && first != write)
        #expect(fcntl(first, F_GETFD) & FD_CLOEXEC != 0)
        // Taken: decoding the same bytes again finds them gone.
        var again = _WireReader(bytes: Array(writer.bytes.dropFirst(Frame.headerSize)), descriptors: descriptors)
        #expect(throws: DecodingError.self) { _ = try again.decode(Labeled.self) }
    }

    @Test func aPlainWriterRefusesADescriptorAndLeaksNone() throws {
        let (read, write) = try pipeEnds()
        defer { close(read) }
        let file = try BridgeFileDescriptor(duplicating: write)
        close(write)
        var writer = _WireWriter()
        let error = #expect(throws: EncodingError.self) { try writer.encode(file) }
        #expect("\(String(describing: error))".contains("BridgeFileDescriptor"))
        #expect(writer.bytes.isEmpty && writer.descriptors == nil)
        _ = consume file
        // No duplicate is left open: the pipe's write end is closed everywhere.
        var ready = pollfd(fd: read, events: Int16(POLLIN), revents: 0)
        try #require(poll(&ready, 1, 5_000) == 1)  // bounded: a leak would block the read
        var byte: UInt8 = 0
        #expect(Glibc.read(read, &byte, 1) == 0)
    }

    @Test func aDescriptorInAMessageThatCarriesNoneIsAnError() throws {
        let (read, write) = try pipeEnds()
        defer { close(read); close(write) }
        var writer = _WireWriter.frame()
        try writer.encode(try BridgeFileDescriptor(duplicating: write))
        var reader = _WireReader(bytes: Array(writer.bytes.dropFirst(Frame.headerSize)))
        #expect(throws: DecodingError.self) { _ = try reader.decode(BridgeFileDescriptor.self) }
    }
}
