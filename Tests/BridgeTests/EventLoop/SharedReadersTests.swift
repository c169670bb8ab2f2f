@testable import Bridge
import Testing

/// The reader threads every bridge shares are few (`ConnectionReaders.limit`); the event loop
/// reads for the bridges that find them all busy.
@Suite struct SharedReadersTests {
    @Test(.timeLimit(.minutes(3))) func aBridgeIsServedWhileEveryReaderThreadWaitsOnAnother() async throws {
        let limit = ConnectionReaders.limit
        var held: [Bridge<Rendezvous>] = []
        for _ in 0..<limit { held.append(try await Bridge<Rendezvous>.start()) }
        try await withThrowingTaskGroup(of: Void.self) { waiting in
            // Two calls in flight on each held bridge, which the host answers only once a third
            // arrives: the first caller reads for a moment, then leaves reading to a reader
            // thread, which waits on that bridge's socket.
            for (index, bridge) in held.enumerated() {
                for caller in 0..<2 {
                    waiting.addTask { _ = try await bridge.client.arrive("held \(index).\(caller)", expecting: 3) }
                }
            }
            let allBusy = await eventually(within: .seconds(60)) { ConnectionReaders.shared.busyThreadCount == limit }
            #expect(allBusy, "reader threads busy: \(ConnectionReaders.shared.busyThreadCount) of \(limit)")

            // Eight tasks calling at once on another bridge: the event loop reads their replies.
            try await withBridge(Rendezvous.self) { free in
                try await withThrowingTaskGroup(of: [String].self) { calls in
                    for task in 0..<8 {
                        calls.addTask {
                            var answers: [String] = []
                            for call in 0..<50 { answers += try await free.arrive("free \(task).\(call)", expecting: 1) }
                            return answers
                        }
                    }
                    var answered = 0
                    for try await answers in calls { answered += answers.count }
                    #expect(answered >= 8 * 50)
                }
            }

            for (index, bridge) in held.enumerated() {
                _ = try await bridge.client.arrive("release \(index)", expecting: 3)
            }
            try await waiting.waitForAll()
        }
        for bridge in held { await bridge.stop() }
    }
}
