import Bridge
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What `bridge-soak crashes` calls: methods that never return, and methods that end the host
/// the ways a real object can.
protocol SoakCrasher: Bridged {
    /// Never returns; suspends without holding a thread.
    func hang() async throws
    /// How many `hang` calls are inside the host.
    func hanging() async throws -> Int
    /// Creates the file at `marker`, then blocks its thread for good.
    func hangBlocking(marker: String) throws
    func exit(status: Int32) throws
    func dereferenceBadPointer() throws
    func fail(_ message: String) throws
}

/// Concurrent, so that the crashing call runs while the hanging ones wait.
final class LocalSoakCrasher: SoakCrasher, BridgeConcurrentCalls {
    private let hangs = Atomic<Int>(0)

    init() {}

    func hang() async throws {
        hangs.add(1, ordering: .relaxed)
        while true { try? await Task.sleep(for: .seconds(3600)) }
    }

    func hanging() async throws -> Int { hangs.load(ordering: .relaxed) }

    func hangBlocking(marker: String) throws {
        _ = FileManager.default.createFile(atPath: marker, contents: nil)
        while true { pause() }
    }

    func exit(status: Int32) throws { Glibc.exit(status) }

    func dereferenceBadPointer() throws {
        // An address in the never-mapped first page, written through so the optimizer keeps it.
        UnsafeMutablePointer<Int>(bitPattern: 8)!.pointee = 1
    }

    func fail(_ message: String) throws { fatalError(message) }
}
