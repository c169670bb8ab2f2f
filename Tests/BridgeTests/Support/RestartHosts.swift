import Bridge
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A host that keeps a value, and ends in every way a host can end, for the restart tests.
protocol Restartable: Bridged {
    func processID() async throws -> Int32
    /// The same, as a blocking call.
    func blockingProcessID() throws -> Int32
    func store(_ value: Int) async throws
    func double(_ value: Int) async throws -> Int
    func stored() async throws -> Int
    func exit(status: Int32) async throws
    func raise(signal: Int32) async throws
    func writeThroughABadPointer() async throws
    func failFatally() async throws
    /// Blocks its thread for good: a long call, not a hang (the side channel still answers).
    func block() async throws
    /// The same, as a blocking call.
    func blockingBlock() throws
    func countdown(from n: Int) async throws -> AsyncThrowingStream<Int, any Error>
    /// Sleeps for an hour, unless cancelled (then it throws `CancellationError`).
    func sleepUnlessCancelled() async throws
    /// Returns the process id once a byte can be read from the FIFO at `path`.
    func processID(afterFIFO path: String) async throws -> Int32
}

final class RestartingHost: Restartable, BridgeLifecycle {
    private var value = 0

    init() {}

    func bridgeDidStart() async throws {}

    /// Leaves a file named after the process in `RESTART_STOP_DIRECTORY`, if set: proof that
    /// the stop hook ran.
    func bridgeWillStop() async {
        guard let directory = ProcessInfo.processInfo.environment["RESTART_STOP_DIRECTORY"] else { return }
        _ = FileManager.default.createFile(atPath: "\(directory)/stopped-\(getpid())", contents: Data())
    }

    func processID() async throws -> Int32 { getpid() }
    func blockingProcessID() throws -> Int32 { getpid() }
    func store(_ value: Int) async throws { self.value = value }
    func double(_ value: Int) async throws -> Int { value * 2 }
    func stored() async throws -> Int { value }
    func exit(status: Int32) async throws { Glibc.exit(status) }
    func raise(signal: Int32) async throws { _ = Glibc.raise(signal) }

    func writeThroughABadPointer() async throws {
        // Never a valid address: the first page is not mapped.
        let pointer = UnsafeMutablePointer<Int>(bitPattern: 8)!
        pointer.pointee = 1
    }

    func failFatally() async throws { fatalError("the restart tests' host crashes on purpose") }

    func block() async throws {
        while true { pause() }
    }

    func blockingBlock() throws {
        while true { pause() }
    }

    func sleepUnlessCancelled() async throws {
        try await Task.sleep(for: .seconds(3600))
    }

    func processID(afterFIFO path: String) async throws -> Int32 {
        waitAtFIFO(path)
        return getpid()
    }

    func countdown(from n: Int) async throws -> AsyncThrowingStream<Int, any Error> {
        AsyncThrowingStream { continuation in
            for value in stride(from: n, through: 0, by: -1) { continuation.yield(value) }
            continuation.finish()
        }
    }
}
