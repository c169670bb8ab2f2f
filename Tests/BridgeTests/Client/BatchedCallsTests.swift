@testable import Bridge
import Foundation
import Testing

/// Calls that tasks make at once, going out in batches that their sender reads, as they do in
/// a process on one CPU (`CallCompany`). The test process runs on every CPU, so the bridges
/// here ask for batches (`BridgeOptions.batchesCalls`).
@Suite struct BatchedCallsTests {
    private func options(sharedMemory: Bool) -> BridgeOptions {
        var options = BridgeOptions()
        options.batchesCalls = true
        options.usesSharedMemory = sharedMemory
        return options
    }

    /// Calls of just under `LargeBuffers.threshold`, the largest that go out in batches, from
    /// 48 tasks at once: each comes back intact, and none waits for ever. Whether a batch's
    /// writer reads while it waits for room shows where a batch grows past what the host takes
    /// in while it waits for room for its replies: here now and then (in this process, on
    /// every CPU, batches stay small), and reliably on a pool of one thread, in the integration
    /// probe's 48 tasks under `taskset -c 0`.
    @Test(arguments: [true, false])
    func batchesLargerThanTheHostTakesInComeBack(sharedMemory: Bool) async throws {
        try await echoAtOnce(tasks: 48, bytes: LargeBuffers.threshold - 4096, rounds: 8, sharedMemory: sharedMemory)
    }

    /// Large calls made at once (which go out as they come, not in batches:
    /// `BatchReadingTests`) come back, also where they are larger than the host takes in while
    /// it waits for room for its replies.
    @Test(arguments: [true, false])
    func largeCallsMadeAtOnceComeBack(sharedMemory: Bool) async throws {
        try await echoAtOnce(tasks: 4, bytes: 2 << 20, rounds: 6, sharedMemory: sharedMemory)
    }

    /// `tasks` tasks echo a value of `bytes` bytes (and a few more, to tell them apart) at
    /// once, `rounds` times each, each checking that its own comes back; the host is killed if
    /// they have not finished in a minute. Each value is made once and echoed, not reversed: a
    /// debug build reverses bytes one by one.
    private func echoAtOnce(tasks: Int, bytes: Int, rounds: Int, sharedMemory: Bool) async throws {
        try await withMirror(killedAfter: .seconds(60), options(sharedMemory: sharedMemory)) { mirror in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<tasks {
                    group.addTask {
                        let sent = patternedData(count: bytes + task, seed: task)
                        for _ in 0..<rounds {
                            let received = try await mirror.echoed(sent)
                            #expect(received == sent)
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    /// Many tasks calling at once each get their own answer, from the pool and from the main
    /// actor, whichever of them sends and reads each batch.
    @Test func everyCallerOfABatchGetsItsOwnAnswer() async throws {
        try await withMirror(killedAfter: .seconds(60), options(sharedMemory: true)) { mirror in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<8 {
                    group.addTask {
                        for round in 0..<300 {
                            let text = "task \(task), call \(round)"
                            let answer = try await mirror.echo(text, afterMilliseconds: 0)
                            #expect(answer == text)
                        }
                    }
                }
                group.addTask { try await Self.callFromTheMainActor(mirror, times: 100) }
                try await group.waitForAll()
            }
        }
    }

    @MainActor private static func callFromTheMainActor(_ mirror: LocalMirror.BridgeClient, times: Int) async throws {
        for round in 0..<times {
            let text = "main actor, call \(round)"
            let answer = try await mirror.echo(text, afterMilliseconds: 0)
            #expect(answer == text)
        }
    }

    /// A call from the main actor that writes a batch writes it at once, not after a turn of
    /// the main actor: a job that holds the main actor meanwhile (here, until a call from the
    /// pool has its answer, at most 10 s) would otherwise hold up every call that joined the
    /// batch, that one among them.
    @Test @MainActor func aBatchWrittenFromTheMainActorWaitsForNoOtherWorkThere() async throws {
        try await withMirror(killedAfter: .seconds(60)) { @MainActor mirror in
            // In flight first, so that the calls below go out with others, in a batch.
            let slow = Task { try await mirror.echo("slow", afterMilliseconds: 100) }
            let connection = mirror._connection
            let slowInFlight = await eventually(within: .seconds(10)) { @Sendable in connection.callsInFlight > 0 }
            #expect(slowInFlight)
            let poolCallAnswered = DispatchSemaphore(value: 0)
            let busyJob = Task { @MainActor in
                // Enqueued before the call below: it runs when the main actor's task first
                // suspends or yields, and holds the main actor until the pool's call is answered.
                Task.detached {
                    _ = try? await mirror.echo("from the pool", afterMilliseconds: 0)
                    poolCallAnswered.signal()
                }
                return poolCallAnswered.wait(timeout: .now() + 10) == .success
            }
            let answer = try await mirror.echo("from the main actor", afterMilliseconds: 0)
            #expect(answer == "from the main actor")
            #expect(await busyJob.value, "the call from the pool waited for the main actor's batch while the main actor waited for it")
            _ = try await slow.value
        }
    }

    /// A host that dies while calls wait in batches fails every one of them, whoever read.
    @Test func aHostThatDiesFailsEveryBatchedCall() async throws {
        let bridge = try await Bridge<LocalMirror>.start(options(sharedMemory: true))
        let mirror = bridge.client
        let outcomes = await withTaskGroup(of: BridgeError.Code?.self) { group in
            for task in 0..<6 {
                group.addTask {
                    do {
                        _ = try await mirror.echo("task \(task)", afterMilliseconds: 60_000)
                        return nil
                    } catch let error as BridgeError {
                        return error.code
                    } catch {
                        return nil
                    }
                }
            }
            #expect(await eventually(within: .seconds(10)) { bridge._connection.callsInFlight == 6 })
            kill(bridge.processID, SIGKILL)
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes == Array(repeating: .hostExited, count: 6))
        await bridge.stop()
    }
}
