@testable import Bridge
import Foundation
import Testing

/// A host for the call path's edges: large values that reuse buffers, and replies slower than
/// the time a caller reads for itself before it hands reading over.
protocol Mirror: Bridged {
    func reversed(_ data: Data) async throws -> Data
    func reversedBlocking(_ data: Data) throws -> Data
    func echoBlocking(_ data: Data) throws -> Data
    func echoed(_ data: Data) async throws -> Data
    func filled(count: Int) async throws -> Data
    func echo(_ text: String, afterMilliseconds delay: Int) async throws -> String
    func echoBlocking(_ text: String, afterMilliseconds delay: Int) throws -> String
    /// Creates a file at `marker`, then answers once a byte can be read from the FIFO at `release`.
    func mark(_ marker: String, thenAnswerOnceReleasedBy release: String) async throws -> String
}

final class LocalMirror: Mirror {
    init() {}
    func reversed(_ data: Data) async throws -> Data { Data(data.reversed()) }
    func reversedBlocking(_ data: Data) throws -> Data { Data(data.reversed()) }
    func echoBlocking(_ data: Data) throws -> Data { data }
    func echoed(_ data: Data) async throws -> Data { data }
    func filled(count: Int) async throws -> Data { Data(repeating: 7, count: count) }

    func echo(_ text: String, afterMilliseconds delay: Int) async throws -> String {
        try await Task.sleep(for: .milliseconds(delay))
        return text
    }

    func echoBlocking(_ text: String, afterMilliseconds delay: Int) throws -> String {
        usleep(UInt32(delay) * 1_000)
        return text
    }

    func mark(_ marker: String, thenAnswerOnceReleasedBy release: String) async throws -> String {
        _ = FileManager.default.createFile(atPath: marker, contents: nil)
        let fifo = open(release, O_RDONLY)  // blocks until the test opens the other end
        var byte: UInt8 = 0
        _ = read(fifo, &byte, 1)
        close(fifo)
        return "answered"
    }
}

/// A megabyte or so whose every byte depends on `seed` and its position.
private func pattern(_ seed: Int, count: Int = (1 << 20) + 17) -> Data {
    patternedData(count: count, seed: seed &* 7)
}

@Suite struct ReadingRoleTests {
    @Test func largeValuesStayIntactWhileLaterCallsReuseBuffers() async throws {
        try await withBridge(LocalMirror.self) { mirror in
            var kept: [(sent: Data, received: Data)] = []
            for seed in 0..<6 {
                let sent = pattern(seed)
                let received = seed.isMultiple(of: 2) ? try await mirror.reversed(sent) : try mirror.reversedBlocking(sent)
                kept.append((sent, received))
                // Dropping some results returns their buffers for reuse by the next calls.
                if seed == 3 { kept.removeFirst(2) }
            }
            for (sent, received) in kept {
                #expect(received == Data(sent.reversed()))
            }
        }
    }

    @Test func largeValuesFromManyTasksAtOnce() async throws {
        try await withBridge(LocalMirror.self) { mirror in
            try await withThrowingTaskGroup(of: Bool.self) { group in
                for seed in 0..<8 {
                    group.addTask {
                        let sent = pattern(seed, count: 300_000 + seed)
                        return try await mirror.reversed(sent) == Data(sent.reversed())
                    }
                }
                for try await intact in group { #expect(intact) }
            }
        }
    }

    @Test func slowRepliesReachACallerThatHandedReadingOver() async throws {
        try await withBridge(LocalMirror.self) { mirror in
            // Slower than a caller reads for itself, so the reader thread delivers the reply.
            let slow = try await mirror.echo("slow", afterMilliseconds: 50)
            let quick = try await mirror.echo("quick", afterMilliseconds: 0)
            let slowBlocking = try mirror.echoBlocking("slow, blocking", afterMilliseconds: 50)
            let quickAgain = try await mirror.echo("quick again", afterMilliseconds: 0)
            #expect([slow, quick, slowBlocking, quickAgain] == ["slow", "quick", "slow, blocking", "quick again"])
        }
    }

    @Test func blockedCallersTakeOverReadingFromEachOther() async throws {
        try await withBridge(LocalMirror.self) { mirror in
            // Threads outside the concurrency pool, each blocked until its own reply: the one
            // that reads hands reading to another when its reply arrives.
            let answers = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<6 {
                    group.addTask {
                        try await onOwnThread { Result { try mirror.echoBlocking("thread \(index)", afterMilliseconds: 5) } }.get()
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.sorted() == (0..<6).map { "thread \($0)" })
        }
    }

    /// Four threads make blocking calls with large values at once, with no time limit. A
    /// caller whose call goes out while the reader before it still waits for its reply is
    /// handed the reading role in the middle of its write, and must read there: else the host,
    /// waiting for room for the other's reply, never takes the rest of the write, and nothing
    /// ends the wait.
    @Test(arguments: [true, false])
    func blockedCallersWritingLargeValuesTakeUpReadingMidWrite(sharedMemory: Bool) async throws {
        var options = BridgeOptions()
        options.usesSharedMemory = sharedMemory
        try await withMirror(killedAfter: .seconds(30), options) { mirror in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for thread in 0..<4 {
                    group.addTask {
                        try await onOwnThread {
                            Result {
                                // One value per thread: made in a debug build, a megabyte per
                                // round cost the suite seconds of both CPUs.
                                let sent = pattern(thread)
                                for round in 0..<60 {
                                    guard try mirror.echoBlocking(sent) == sent else {
                                        throw BridgeError(code: .malformedMessage, message: "thread \(thread), round \(round): a wrong answer")
                                    }
                                }
                            }
                        }.get()
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    /// A quick call that reaches a host serving in turn together with a slow one gets its
    /// answer while the slow one runs: the host does not hold the quick call's reply back to
    /// send it with the slow one's (as it did, past the quick call's time limit), once the
    /// slow call's method has shown itself slow.
    @Test func aQuickCallsReplyDoesNotWaitForASlowCallThatArrivedWithIt() async throws {
        let directory = try TemporaryDirectory()
        let (heldMarker, heldRelease) = (directory.path + "/held", directory.path + "/held-release")
        let (slowMarker, slowRelease) = (directory.path + "/slow", directory.path + "/slow-release")
        #expect(mkfifo(heldRelease, 0o600) == 0 && mkfifo(slowRelease, 0o600) == 0)
        try await withMirror(killedAfter: .seconds(60)) { mirror in
            let connection = mirror._connection
            // `mark` has been slow: it waited for its release.
            let warm = Task { try await mirror.mark(directory.path + "/warm", thenAnswerOnceReleasedBy: heldRelease) }
            #expect(await eventually(within: .seconds(10)) { FileManager.default.fileExists(atPath: directory.path + "/warm") })
            #expect(await eventually(within: .seconds(10)) { releaseFIFO(heldRelease) })
            _ = try await warm.value
            // The host is held in a call while the quick and the slow one arrive, so that it
            // reads them together once it is let go.
            let held = Task { try await mirror.mark(heldMarker, thenAnswerOnceReleasedBy: heldRelease) }
            #expect(await eventually(within: .seconds(10)) { FileManager.default.fileExists(atPath: heldMarker) })
            let quick = Task { try await mirror.echo("quick", afterMilliseconds: 0) }
            #expect(await eventually(within: .seconds(10)) { connection.callsInFlight == 2 })
            let slow = Task { try await mirror.mark(slowMarker, thenAnswerOnceReleasedBy: slowRelease) }
            #expect(await eventually(within: .seconds(10)) { connection.callsInFlight == 3 })
            #expect(await eventually(within: .seconds(10)) { releaseFIFO(heldRelease) })
            let answer = await bounded(within: .seconds(10)) { try? await quick.value }
            #expect(answer == "quick", "the quick call had no answer while the slow one ran")
            #expect(await eventually(within: .seconds(10)) { releaseFIFO(slowRelease) })
            _ = try await (held.value, slow.value)
        }
    }

    @Test func cancellingACallInFlightFailsItAndLeavesTheClientUsable() async throws {
        let directory = try TemporaryDirectory()
        let marker = directory.path + "/running"
        let release = directory.path + "/release"
        #expect(mkfifo(release, 0o600) == 0)
        try await withBridge(LocalMirror.self) { mirror in
            let call = Task { try await mirror.mark(marker, thenAnswerOnceReleasedBy: release) }
            // Cancelled once the host runs it: its caller has sent it and waits for the reply,
            // which cannot come before the release below.
            #expect(await eventually(within: .seconds(10)) { FileManager.default.fileExists(atPath: marker) })
            call.cancel()
            await #expect(throws: CancellationError.self) { try await call.value }
            #expect(await eventually(within: .seconds(10)) { releaseFIFO(release) })
            let after = try await mirror.echo("after", afterMilliseconds: 0)
            #expect(after == "after")
        }
    }
}
