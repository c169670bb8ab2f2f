import Bridge
import Foundation
import Testing

protocol Worker: Bridged {
    /// Creates the file `started`, then waits to be cancelled; then creates `cancelled`.
    func workUntilCancelled(started: String, cancelled: String) async throws
    /// Creates the file `started`, then returns once a byte can be read from the FIFO `gate`.
    func hold(started: String, gate: String) async throws
    /// Creates the file `marker`.
    func record(_ marker: String) throws
    func ping() async throws -> Int
}

extension Worker {
    func workUntilCancelled(started: String, cancelled: String) async throws {
        _ = FileManager.default.createFile(atPath: started, contents: nil)
        do {
            try await Task.sleep(for: .seconds(600))
        } catch {
            _ = FileManager.default.createFile(atPath: cancelled, contents: nil)
            throw error
        }
    }

    func hold(started: String, gate: String) async throws {
        _ = FileManager.default.createFile(atPath: started, contents: nil)
        let fifo = open(gate, O_RDONLY)
        var byte: UInt8 = 0
        _ = read(fifo, &byte, 1)
        close(fifo)
    }

    func record(_ marker: String) throws {
        _ = FileManager.default.createFile(atPath: marker, contents: nil)
    }

    func ping() async throws -> Int { 1 }
}

/// Runs one call at a time, the default.
final class LocalWorker: Worker {
    init() {}
}

/// Runs every call in a task of its own.
final class ConcurrentWorker: Worker, BridgeConcurrentCalls, Sendable {
    init() {}
}

@Suite struct CancellationTests {
    @Test(arguments: [false, true])
    func cancellingACallCancelsItInTheHost(concurrently: Bool) async throws {
        let directory = try TemporaryDirectory()
        let started = directory.path + "/started"
        let cancelled = directory.path + "/cancelled"
        let cancelAndCheck = { @Sendable (worker: any Worker & Sendable) async throws in
            let call = Task { try await worker.workUntilCancelled(started: started, cancelled: cancelled) }
            #expect(await eventually(within: .seconds(10)) { FileManager.default.fileExists(atPath: started) })
            call.cancel()
            await #expect(throws: CancellationError.self) { try await call.value }
            // The call running in the host saw the cancellation: the real object noticed.
            #expect(await eventually(within: .seconds(10)) { FileManager.default.fileExists(atPath: cancelled) })
            // The host serves on, and the next call that runs in turn can be cancelled too.
            let answer = try await worker.ping()
            #expect(answer == 1)
        }
        if concurrently {
            try await withBridge(ConcurrentWorker.self) { try await cancelAndCheck($0) }
        } else {
            try await withBridge(LocalWorker.self) { worker in
                try await cancelAndCheck(worker)
                try FileManager.default.removeItem(atPath: started)
                try FileManager.default.removeItem(atPath: cancelled)
                try await cancelAndCheck(worker)
            }
        }
    }

    @Test func aCallQueuedBehindAnInterruptedCallStillRuns() async throws {
        let directory = try TemporaryDirectory()
        let started = directory.path + "/started"
        let cancelled = directory.path + "/cancelled"
        let marker = directory.path + "/recorded"
        try await withBridge(LocalWorker.self) { worker in
            let call = Task { try await worker.workUntilCancelled(started: started, cancelled: cancelled) }
            #expect(await eventually(within: .seconds(10)) { FileManager.default.fileExists(atPath: started) })
            let queued = Task { try await worker.ping() }
            call.cancel()
            await #expect(throws: CancellationError.self) { try await call.value }
            let answer = try await queued.value
            #expect(answer == 1)
            try worker.record(marker)
            #expect(FileManager.default.fileExists(atPath: marker))
            #expect(FileManager.default.fileExists(atPath: cancelled))
        }
    }

    @Test func aCallCancelledBeforeItStartsNeverRuns() async throws {
        let directory = try TemporaryDirectory()
        let started = directory.path + "/started"
        let gate = directory.path + "/gate"
        let marker = directory.path + "/recorded"
        #expect(mkfifo(gate, 0o600) == 0)
        try await withBridge(LocalWorker.self, options: BridgeOptions(callTimeout: .seconds(1))) { worker in
            // The host runs one call at a time: while it holds this one, the next waits.
            let holding = Task { try await worker.hold(started: started, gate: gate) }
            #expect(await eventually(within: .seconds(10)) { FileManager.default.fileExists(atPath: started) })
            // Sent at once (a blocking call writes before it waits), then out of time, which
            // tells the host to drop it.
            let recording = await onOwnThread { Result { try worker.record(marker) } }
            guard case .failure(let error as BridgeError) = recording, error.code == .timedOut else {
                Issue.record("expected the waiting call to run out of time, got \(recording)")
                return
            }
            #expect(await eventually(within: .seconds(10)) { releaseFIFO(gate) })
            _ = try? await holding.value
            let answer = try await worker.ping()  // the host has gone past the dropped call
            #expect(answer == 1)
            #expect(!FileManager.default.fileExists(atPath: marker), "the cancelled call ran")
        }
    }
}
