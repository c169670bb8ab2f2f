import Bridge
import Foundation
import Testing

@Suite struct StreamTests {
    @Test(arguments: [false, true])
    func valuesArriveInOrder(concurrently: Bool) async throws {
        let check = { @Sendable (feed: any Feed & Sendable) async throws in
            var received: [Int] = []
            for try await value in try await feed.numbers(from: 5, count: 100) { received.append(value) }
            #expect(received == Array(5..<105))
            var none: [Int] = []
            for try await value in try await feed.numbers(from: 0, count: 0) { none.append(value) }
            #expect(none.isEmpty)
        }
        try await withFeed(concurrently: concurrently, check)
    }

    @Test func eachValueArrivesBeforeTheHostProducesTheNext() async throws {
        let directory = try TemporaryDirectory()
        let gate = directory.path + "/gate"
        #expect(mkfifo(gate, 0o600) == 0)
        try await withBridge(LocalFeed.self) { feed in
            var received: [Int] = []
            for try await value in try await feed.gated(count: 5, gate: gate) {
                received.append(value)
                // The host waits at the gate before it makes the next value: this one came
                // while the next did not exist yet. Meanwhile the host serves other calls.
                let answer = try await feed.ping()
                #expect(answer == 1)
                if value < 4 { #expect(await eventually(within: .seconds(10)) { releaseFIFO(gate) }) }
            }
            #expect(received == [0, 1, 2, 3, 4])
        }
    }

    @Test(arguments: [false, true])
    func aHostErrorEndsTheStreamWithThatError(opaquely: Bool) async throws {
        try await withBridge(LocalFeed.self) { feed in
            var received: [Int] = []
            do {
                for try await value in try await feed.failing(after: 3, opaquely: opaquely) { received.append(value) }
                Issue.record("the stream ended without its error")
            } catch let error as FeedError {
                #expect(!opaquely)
                #expect(error == .brokenAt(3))
            } catch let error as BridgeError where error.code == .remoteError {
                #expect(opaquely)
                #expect(error.remoteTypeName?.hasSuffix("OpaqueFailure") == true)
                #expect(error.description.contains(": opaque failure 42 ("))
            }
            #expect(received == [0, 1, 2])
            let answer = try await feed.ping()
            #expect(answer == 1)
        }
    }

    @Test func aMethodThatThrowsInsteadOfReturningAStreamFailsItsCall() async throws {
        try await withBridge(LocalFeed.self) { feed in
            await #expect(throws: FeedError.refused) { _ = try await feed.refuse() }
            let answer = try await feed.ping()
            #expect(answer == 1)
        }
    }

    @Test func anElementThatFailsToEncodeEndsTheStreamWithItsError() async throws {
        try await withBridge(LocalFeed.self) { feed in
            var received: [Int] = []
            await #expect(throws: FeedError.unencodable(2)) {
                for try await element in try await feed.fragile(count: 5, failingAt: 2) { received.append(element.value) }
            }
            #expect(received == [0, 1])
        }
    }

    @Test func hostDeathMidStreamEndsItWithHostExited() async throws {
        let directory = try TemporaryDirectory()
        let gate = directory.path + "/gate"
        #expect(mkfifo(gate, 0o600) == 0)
        let bridge = try await Bridge<LocalFeed>.start()
        let stream = try await bridge.client.dying(gate: gate, status: 3)
        var values = stream.makeAsyncIterator()
        let first = try await values.next()
        let second = try await values.next()
        #expect(first == 0 && second == 1)
        // The host makes the third value only past the gate, and exits there.
        #expect(await eventually(within: .seconds(10)) { releaseFIFO(gate) })
        do {
            _ = try await values.next()
            Issue.record("the stream went on after its host exited")
        } catch let error as BridgeError where error.code == .hostExited {
            #expect(error.processID == bridge.processID)
            #expect(error.termination == .exited(3))
            #expect(error.method == "dying(gate:String,status:Int32) async throws -> AsyncThrowingStream<Int>")
        }
        let after = try await values.next()
        #expect(after == nil)
        await #expect(throws: BridgeError.self) { _ = try await bridge.client.ping() }
        await bridge.stop()
    }

    @Test(arguments: [false, true])
    func cancellingTheConsumerStopsTheProducer(concurrently: Bool) async throws {
        let directory = try TemporaryDirectory()
        let stopped = directory.path + "/stopped"
        let check = { @Sendable (feed: any Feed & Sendable) async throws in
            let seen = OneShotValue<Int>()
            let consumer = Task {
                for try await value in try await feed.endless(ready: 3, stopped: stopped) where value == 2 {
                    seen.set(value)
                }
            }
            #expect(await seen.value() == 2)
            #expect(!FileManager.default.fileExists(atPath: stopped))
            consumer.cancel()
            await #expect(throws: CancellationError.self) { try await consumer.value }
            #expect(await eventually(within: .seconds(10)) { FileManager.default.fileExists(atPath: stopped) })
            let answer = try await feed.ping()
            #expect(answer == 1)
        }
        try await withFeed(concurrently: concurrently, check)
    }

    @Test func droppingTheStreamStopsTheProducer() async throws {
        let directory = try TemporaryDirectory()
        let stopped = directory.path + "/stopped"
        try await withBridge(LocalFeed.self) { feed in
            // More values than the window: the producer waits for credit when the stream goes.
            try await takeFirst(of: try await feed.endless(ready: 2 * Int(StreamCredit.window), stopped: stopped))
            #expect(await eventually(within: .seconds(10)) { FileManager.default.fileExists(atPath: stopped) })
            let waiting = try await feed.producersWaitingForCredit()
            #expect(waiting == 0)
            let answer = try await feed.ping()
            #expect(answer == 1)
        }
    }

    @Test(arguments: [false, true])
    func aSlowConsumerHoldsTheProducerBack(concurrently: Bool) async throws {
        let check = { @Sendable (feed: any Feed & Sendable) async throws in
            let window = Int(StreamCredit.window)
            let stream = try await feed.counting()
            var values = stream.makeAsyncIterator()
            let first = try await values.next()
            #expect(first == 0)
            // The consumer stops taking: the producer waits for credit once it sent a window.
            try await until { try await feed.producersWaitingForCredit() == 1 }
            let heldAt = try await feed.produced()
            #expect(heldAt == window)
            // Taking half a window grants that many more: the producer goes on, and stops again.
            for expected in 1..<Int(StreamCredit.grantEvery) {
                let value = try await values.next()
                #expect(value == expected)
            }
            try await until {
                let produced = try await feed.produced()
                let waiting = try await feed.producersWaitingForCredit()
                return produced > heldAt && waiting == 1
            }
            let heldAgainAt = try await feed.produced()
            #expect(heldAgainAt == window + Int(StreamCredit.grantEvery))
            _ = stream
        }
        try await withFeed(concurrently: concurrently, check)
    }

    /// Large elements are held back by their bytes (`StreamCredit.byteWindow`), not by the
    /// window of elements alone: a window of them would sit in the consumer's memory.
    @Test func aSlowConsumerOfLargeElementsHoldsTheProducerBackByBytes() async throws {
        let blob = 1 << 20
        try await withBridge(LocalFeed.self) { feed in
            let stream = try await feed.countingBlobs(bytes: blob)
            var blobs = stream.makeAsyncIterator()
            #expect(try await blobs.next()?.count == blob)
            try await until { try await feed.producersWaitingForCredit() == 1 }
            // Each element is a little over a MiB with its encoding: the fourth takes the
            // bytes in flight over the window.
            let heldAt = try await feed.produced()
            #expect(heldAt == StreamCredit.byteWindow / blob, "\(heldAt)")
            // Taking goes on past the window: credit comes back by bytes too.
            for _ in 0..<(3 * heldAt) { #expect(try await blobs.next()?.count == blob) }
            #expect(try await feed.ping() == 1)
            _ = stream
        }
    }

    @Test func manyStreamsFromManyTasksAtOnce() async throws {
        try await withBridge(LocalFeed.self) { feed in
            try await withThrowingTaskGroup(of: (Int, [Int]).self) { group in
                for task in 0..<8 {
                    group.addTask {
                        var all: [Int] = []
                        for round in 0..<5 {
                            let start = task * 10_000 + round * 1_000
                            var received: [Int] = []
                            for try await value in try await feed.numbers(from: start, count: 50) { received.append(value) }
                            #expect(received == Array(start..<start + 50))
                            all += received
                        }
                        return (task, all)
                    }
                }
                var tasks = 0
                for try await (task, all) in group {
                    #expect(all.count == 250 && all.allSatisfy { $0 / 10_000 == task })
                    tasks += 1
                }
                #expect(tasks == 8)
            }
        }
    }

    @Test func callsInterleaveWithAStream() async throws {
        try await withBridge(LocalFeed.self) { feed in
            var received: [Int] = []
            for try await value in try await feed.numbers(from: 0, count: 60) {
                received.append(value)
                let pinged = try await feed.ping()
                let squared = try feed.square(value)
                #expect(pinged == 1 && squared == value * value)
            }
            #expect(received == Array(0..<60))
            // With the stream over, a lone call reads its own reply again.
            let answer = try await feed.ping()
            #expect(answer == 1)
        }
    }

    @Test func aSerialHostServesCallsWhileAStreamIsOpen() async throws {
        let directory = try TemporaryDirectory()
        let stopped = directory.path + "/stopped"
        try await withBridge(LocalFeed.self) { feed in
            let stream = try await feed.endless(ready: 1, stopped: stopped)
            var values = stream.makeAsyncIterator()
            let first = try await values.next()
            #expect(first == 0)
            // The producer waits on the host's stream; calls still run, one at a time.
            for value in 0..<100 {
                let only = try await feed.numbers(from: value, count: 1).reduce(0, +)
                #expect(only == value)
                let answer = try await feed.ping()
                #expect(answer == 1)
            }
            _ = values
        }
    }

    @Test func stoppingTheBridgeEndsAnOpenStream() async throws {
        let directory = try TemporaryDirectory()
        let stopped = directory.path + "/stopped"
        let bridge = try await Bridge<LocalFeed>.start()
        let stream = try await bridge.client.endless(ready: 1, stopped: stopped)
        var values = stream.makeAsyncIterator()
        let first = try await values.next()
        #expect(first == 0)
        await bridge.stop()
        // The host cancelled the producer before it exited.
        #expect(FileManager.default.fileExists(atPath: stopped))
        await #expect(throws: BridgeError.stopped(method: "endless(ready:Int,stopped:String) async throws -> AsyncThrowingStream<Int>")) {
            _ = try await values.next()
        }
    }

    @Test func aHostConsumesAStreamThatTheParentProduces() async throws {
        try await withBridge(LocalFeed.self) { feed in
            // More than a window each way: credits travel from the host on the side channel.
            let sum = try await feed.sum(of: LocalNumberSource(), count: 100)
            #expect(sum == 5050)
            let again = try await feed.sum(of: LocalNumberSource(), count: 3)
            #expect(again == 6)
        }
    }
}

/// Runs `body` with the client of a host that runs calls in tasks of their own, or one at a time.
private func withFeed(concurrently: Bool, _ body: @escaping @Sendable (any Feed & Sendable) async throws -> Void) async throws {
    if concurrently {
        try await withBridge(ConcurrentFeed.self) { try await body($0) }
    } else {
        try await withBridge(LocalFeed.self) { try await body($0) }
    }
}

/// Takes the stream's first value, then lets the stream go.
private func takeFirst(of stream: AsyncThrowingStream<Int, any Error>) async throws {
    var values = stream.makeAsyncIterator()
    let first = try await values.next()
    #expect(first == 0)
}

/// Asks until `condition` holds; each question is a round trip to the host, so this waits on
/// the host's progress, for at most 10 seconds.
private func until(_ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(10)
    while try await !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("the host did not get there within 10 seconds")
            return
        }
        try await Task.sleep(for: .milliseconds(1))
    }
}
