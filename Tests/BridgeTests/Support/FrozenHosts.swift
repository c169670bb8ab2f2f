import Bridge
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An object the parent passes to a `Freezable` host: the host calls it, and the parent's
/// side decides when the call returns (after the test froze the host).
protocol FreezeWitness: Bridged, Sendable {
    func reached() async throws
}

/// A host whose real object reaches, on request, the points where issue 14's fault matrix
/// freezes it or has it stall: before a small reply, in the middle of a 32 MiB reply, between
/// a stream's elements, during a callback call, and in the middle of a frame on the side
/// channel.
protocol Freezable: Bridged {
    /// Creates `marker`, then blocks for good: the reply it would send is the one the test
    /// stops it before.
    func smallReply(marker: String) async throws -> Int
    /// Writes, onto the bridge socket (descriptor 3), a header that promises a 32 MiB reply
    /// and its first MiB, then stops itself (`SIGSTOP`): a host frozen in the middle of
    /// writing a large result, at a point the test knows.
    func largeReply() async throws -> Data
    /// A stream whose first element comes at once; then it creates `marker` and sends no more.
    func elements(marker: String) async throws -> AsyncThrowingStream<Int, any Error>
    /// Calls `witness.reached()` and, once that returns, blocks for good.
    func callBack(_ witness: any FreezeWitness) async throws -> Int
    /// Holds `witness` (so the parent serves the side channel), writes a header that promises
    /// a 1,000-byte call and 10 bytes of it onto the side channel (descriptor 4), creates
    /// `marker`, and stays alive, blocked.
    func stallSideChannel(_ witness: any FreezeWitness, marker: String) async throws -> Int
    func quick() async throws -> Int
}

final class LocalFreezable: Freezable, BridgeConcurrentCalls {
    init() {}

    func smallReply(marker: String) async throws -> Int {
        FileManager.default.createFile(atPath: marker, contents: nil)
        while true { pause() }
    }

    func largeReply() async throws -> Data {
        let size = 32 << 20
        var bytes: [UInt8] = []
        bytes += withUnsafeBytes(of: UInt32(size + 5).littleEndian, Array.init)  // the length after itself
        bytes.append(FrameKind.returned.rawValue)
        bytes += withUnsafeBytes(of: UInt32(0xFFFF_FFF0).littleEndian, Array.init)  // a call id nobody waits for
        bytes += [UInt8](repeating: 0x5A, count: 1 << 20)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(3, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            written += count
        }
        raise(SIGSTOP)
        while true { pause() }
    }

    func elements(marker: String) async throws -> AsyncThrowingStream<Int, any Error> {
        AsyncThrowingStream { continuation in
            continuation.yield(1)
            FileManager.default.createFile(atPath: marker, contents: nil)
        }
    }

    func callBack(_ witness: any FreezeWitness) async throws -> Int {
        try await witness.reached()
        while true { pause() }
    }

    func stallSideChannel(_ witness: any FreezeWitness, marker: String) async throws -> Int {
        var bytes: [UInt8] = [0xED, 0x03, 0, 0, FrameKind.call.rawValue, 1, 0, 0, 0]  // length 1005, call id 1
        bytes += [UInt8](repeating: 1, count: 10)
        _ = write(4, bytes, bytes.count)
        FileManager.default.createFile(atPath: marker, contents: nil)
        while true { withExtendedLifetime(witness) { _ = pause() } }
    }

    func quick() async throws -> Int { 1 }
}
