import Bridge
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What `bridge-soak faults`' frozen host calls back: the parent's side returns only once the
/// soak has frozen the host.
protocol SoakGate: Bridged, Sendable {
    func reached() async throws
}

/// What `bridge-soak faults` calls: methods that bring the host to a point where the soak
/// freezes it (`SIGSTOP`), or where it stalls in the middle of a frame.
protocol SoakFreezable: Bridged {
    /// Creates `marker`, then blocks: the soak stops the host before its reply.
    func smallReply(marker: String) async throws -> Int
    /// Writes a header promising a 32 MiB reply and its first MiB onto descriptor 3, then
    /// stops itself.
    func largeReply() async throws -> Data
    /// One element, then `marker`, then nothing more.
    func elements(marker: String) async throws -> AsyncThrowingStream<Int, any Error>
    /// Calls `gate.reached()`, then blocks.
    func callBack(_ gate: any SoakGate) async throws -> Int
    /// With `gate` held, writes 19 of a 1,009-byte frame onto the side channel (descriptor 4),
    /// creates `marker`, and blocks, alive.
    func stallSideChannel(_ gate: any SoakGate, marker: String) async throws -> Int
    /// Writes `bytes` onto `descriptor` (3, the bridge socket; 4, the side channel, after a
    /// call to `gate` so that the parent serves it) and waits to be killed.
    func scrawl(_ bytes: [UInt8], onto descriptor: Int32, gate: any SoakGate) async throws -> Int
    func quick() async throws -> Int
}

final class LocalSoakFreezable: SoakFreezable, BridgeConcurrentCalls {
    init() {}

    func smallReply(marker: String) async throws -> Int {
        _ = FileManager.default.createFile(atPath: marker, contents: nil)  // the soak waits for it; a failure shows there
        while true { pause() }
    }

    func largeReply() async throws -> Data {
        // Length (after itself), kind `returned` (5), a call id nobody waits for, then 1 MiB.
        var bytes = withUnsafeBytes(of: UInt32((32 << 20) + 5).littleEndian, Array.init) + [5, 0xF0, 0xFF, 0xFF, 0xFF]
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
            _ = FileManager.default.createFile(atPath: marker, contents: nil)  // the soak waits for it; a failure shows there
        }
    }

    func callBack(_ gate: any SoakGate) async throws -> Int {
        try await gate.reached()
        while true { pause() }
    }

    func stallSideChannel(_ gate: any SoakGate, marker: String) async throws -> Int {
        // Length 1,005, kind `call` (4), call id 1, and 10 of the 1,000 bytes promised.
        let bytes: [UInt8] = [0xED, 0x03, 0, 0, 4, 1, 0, 0, 0] + [UInt8](repeating: 1, count: 10)
        _ = write(4, bytes, bytes.count)
        _ = FileManager.default.createFile(atPath: marker, contents: nil)  // the soak waits for it; a failure shows there
        while true { withExtendedLifetime(gate) { _ = pause() } }
    }

    func scrawl(_ bytes: [UInt8], onto descriptor: Int32, gate: any SoakGate) async throws -> Int {
        if descriptor == 4 { try await gate.reached() }
        _ = write(descriptor, bytes, bytes.count)
        while true { withExtendedLifetime(gate) { _ = pause() } }
    }

    func quick() async throws -> Int { 1 }
}
