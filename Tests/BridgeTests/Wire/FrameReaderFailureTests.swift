@testable import Bridge
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A read that fails with an `errno` other than `EINTR` or `EAGAIN` ends reading, naming the
/// `errno`: never a busy loop, never a reader that keeps waiting. Only a descriptor that is
/// not a working socket makes `recv` fail so, which a test can make only artificially: a
/// pipe (`ENOTSOCK`) and a closed descriptor (`EBADF`).
@Suite struct FrameReaderFailureTests {
    @Test func aReadFromSomethingNotASocketNamesENOTSOCKAndReadingStops() throws {
        let (reading, writing) = try System.pipe()
        defer { System.close(reading); System.close(writing) }
        // Bytes are waiting: a reader that took the failure for "nothing yet" would read on.
        _ = try [UInt8](repeating: 1, count: 16).withUnsafeBytes { try System.writeAll(writing, $0) }
        let reader = FrameReader(reading)
        let error = try #require(throws: BridgeError.self) { try reader.next(waitingAtMost: .seconds(5)) }
        #expect(error.code == .connectionFailed)
        #expect(error.message.contains("recv failed") && error.message.contains("ENOTSOCK"), "\(error)")
        // Reading has ended: every later read fails the same way at once, waiting or not.
        let began = ContinuousClock.now
        #expect(throws: error) { try reader.next(waitingAtMost: nil) }
        #expect(throws: error) { try reader.nextWithoutWaiting() }
        #expect(throws: error) { try reader.next() }
        #expect(ContinuousClock.now - began < .seconds(5))
    }

    @Test func aReadFromAClosedDescriptorNamesEBADF() throws {
        // A number never open: a descriptor closed here could be reused at once by a test
        // running alongside.
        let reader = FrameReader(neverOpen)
        let error = #expect(throws: BridgeError.self) { try reader.nextWithoutWaiting() }
        #expect(error?.code == .connectionFailed)
        #expect(error?.message.contains("EBADF") == true, "\(String(describing: error))")
    }

    /// The same in the middle of a frame: the part read so far is dropped with the reader.
    @Test func aReadThatFailsMidFrameEndsReading() throws {
        let (reading, writing) = try System.socketPair()
        defer { System.close(writing) }
        var writer = _WireWriter.frame()
        [UInt8](repeating: 7, count: 100).withUnsafeBytes { writer.writeRaw($0) }
        writer.setFrameHeader(.returned, callID: 3)
        try Array(writer.bytes.prefix(40)).withUnsafeBytes { try System.sendAll(writing, $0) }
        let reader = FrameReader(reading)
        guard case .timedOut = try reader.next(waitingAtMost: .milliseconds(50)) else {
            Issue.record("a frame cut short came whole, or ended the connection")
            return
        }
        // Now recv fails (ENOTSOCK): the socket's number is a pipe's. Not by closing it,
        // which a test running alongside could reuse at once.
        let (pipeReading, pipeWriting) = try System.pipe()
        _ = dup2(pipeReading.rawValue, reading.rawValue)
        System.close(pipeReading)
        System.close(pipeWriting)
        defer { System.close(reading) }
        let error = #expect(throws: BridgeError.self) { try reader.next(waitingAtMost: .seconds(5)) }
        #expect(error?.code == .connectionFailed)
    }

    /// A writer that holds the reading role waits for room or bytes with `poll`; a wait that
    /// fails (a descriptor not open: `POLLNVAL`) must say "read now", so that the read names
    /// the failure, rather than "wait again", which would spin.
    @Test func aFailedWaitForRoomOrBytesSendsTheWriterToRead() throws {
        #expect(System.waitUntilReadableOrWritable(neverOpen, atMost: .seconds(5)) == .readable)
    }

    /// A descriptor number above any limit on open files, so never open.
    private var neverOpen: FileDescriptor { FileDescriptor(rawValue: .max) }
}
