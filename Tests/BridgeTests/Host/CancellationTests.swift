@testable import Bridge
import Foundation
import Testing

protocol Worker: Bridged {
    /// Creates the file `started`, then waits to be cancelled; then creates `cancelled`.
    func workUntilCancelled(started: String, cancelled: String) async throws
    /// Creates the file `started`, then returns once a byte can be read from the FIFO `gate`.
    func hold(started: String, gate: String) async throws
    /// `hold(started:gate:)`, for a blocking call.
    func holdBlocking(started: String, gate: String) throws
    /// Creates the file `marker`.
    func record(_ marker: String) throws
    /// 1, or 0 when the call sees its task cancelled.
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

    func holdBlocking(started: String, gate: String) throws {
        _ = FileManager.default.createFile(atPath: started, contents: nil)
        let fifo = open(gate, O_RDONLY)
        var byte: UInt8 = 0
        _ = read(fifo, &byte, 1)
        close(fifo)
    }

    func record(_ marker: String) throws {
        _ = FileManager.default.createFile(atPath: marker, contents: nil)
    }

    func ping() async throws -> Int { Task.isCancelled ? 0 : 1 }
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
            // The host serves on, and the next call does not see the cancel (a concurrent host
            // runs it on a runner other than the cancelled call's); it can be cancelled too.
            // Three calls: one of them finds the cancelled call's runner parked, if it had been
            // kept (runners take calls in the order they parked).
            for _ in 0..<3 {
                let answer = try await worker.ping()
                #expect(answer == 1)
            }
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

    @Test func aBlockingCallEndsWhenItsTaskIsCancelled() async throws {
        let directory = try TemporaryDirectory()
        let started = directory.path + "/started"
        let gate = directory.path + "/gate"
        let marker = directory.path + "/recorded"
        #expect(mkfifo(gate, 0o600) == 0)
        try await withBridge(LocalWorker.self) { worker in
            // Blocking calls made from tasks: the host holds the first until the gate opens,
            // and the second waits its turn. The first caller reads; the second waits for the
            // reply that the first would hand it.
            let holding = taskOnOwnThreads { try worker.holdBlocking(started: started, gate: gate) }
            #expect(await eventually(within: .seconds(10)) { FileManager.default.fileExists(atPath: started) })
            let queued = taskOnOwnThreads { try worker.record(marker) }
            #expect(await eventually(within: .seconds(10)) { worker._connection.callsInFlight == 2 })
            // Did the calls not see their tasks cancelled, they would wait for the gate: it
            // opens after 30 s, so that such a failure fails rather than hangs.
            let fallback = Task {
                try await Task.sleep(for: .seconds(30))
                _ = await eventually(within: .seconds(10)) { releaseFIFO(gate) }
            }
            // The waiting caller first, while the first still reads: each way of waiting sees
            // its own cancel.
            queued.cancel()
            await #expect(throws: CancellationError.self) { try await queued.value }
            #expect(worker._connection.callsInFlight == 1)
            holding.cancel()
            await #expect(throws: CancellationError.self) { try await holding.value }
            fallback.cancel()
            // Both cancels have reached the host (see aCallCancelledBeforeItStartsNeverRuns).
            #expect(await eventually(within: .seconds(10)) { worker._connection.side?.hostHasUnread == false })
            #expect(await eventually(within: .seconds(10)) { releaseFIFO(gate) })
            // The host was told: it serves on, and skipped the cancelled call that waited.
            let answer = try await worker.ping()
            #expect(answer == 1)
            #expect(!FileManager.default.fileExists(atPath: marker), "the cancelled call ran")
            // A blocking call from a task that is cancelled already is not sent.
            let late = taskOnOwnThreads {
                withUnsafeCurrentTask { $0?.cancel() }
                try worker.record(marker)
            }
            await #expect(throws: CancellationError.self) { try await late.value }
            let nextAnswer = try await worker.ping()
            #expect(nextAnswer == 1)
            #expect(!FileManager.default.fileExists(atPath: marker), "a call from a cancelled task ran")
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
            // The cancel goes on the side channel, and the host's side thread records it; a host
            // that starts the call first runs it (the README's Limits). Under load the gate could
            // open first: it opens once the host has read the cancel.
            #expect(await eventually(within: .seconds(10)) { worker._connection.side?.hostHasUnread == false })
            #expect(await eventually(within: .seconds(10)) { releaseFIFO(gate) })
            _ = try? await holding.value
            let answer = try await worker.ping()  // the host has gone past the dropped call
            #expect(answer == 1)
            #expect(!FileManager.default.fileExists(atPath: marker), "the cancelled call ran")
        }
    }
}
