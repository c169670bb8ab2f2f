import Bridge
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite struct SharedStateTests {
    /// The seed: `lst = Manager().list(); b.add_to_list(lst); print(lst)` prints `['a']`.
    @Test func aHostAppendsToAListTheParentOwnsAndTheParentSeesIt() async throws {
        let list = SharedState<[String]>([])
        try await withBridge(LocalStateUser.self) { user in
            try await user.append("a", to: list)
        }
        #expect(try await list.get() == ["a"])
    }

    @Test func theParentUsesItsStateWithoutAnyBridge() async throws {
        struct Refused: Error {}
        let state = SharedState(1)
        #expect(try await state.get() == 1)
        try await state.set(2)
        let doubled = try await state.update { value in
            value *= 2
            return "now \(value)"
        }
        #expect(doubled == "now 4")
        await #expect(throws: Refused.self) {
            try await state.update { value in
                value = 99
                throw Refused()
            }
        }
        // A body that throws stores nothing, however far it got.
        #expect(try await state.get() == 4)
    }

    /// Compiles only if the body may touch what the caller's actor protects.
    @MainActor @Test func anUpdateRunsItsBodyOnTheCallersActor() async throws {
        let recorder = MainActorRecorder()
        let state = SharedState(0)
        try await withBridge(LocalStateUser.self) { user in
            _ = try await user.increment(state, times: 2)
        }
        try await state.update { value in
            recorder.seen.append(value)
            value += 1
        }
        #expect(recorder.seen == [2])
        #expect(try await state.get() == 3)
    }

    @Test func getSetAndUpdateRoundTripBetweenParentAndHost() async throws {
        let state = SharedState(Inventory(items: ["pears": 2], note: nil))
        try await withBridge(LocalStateUser.self) { user in
            let first = try await user.read(state)
            #expect(first == Inventory(items: ["pears": 2], note: nil))
            try await user.write(Inventory(items: ["figs": 1], note: "from the host"), to: state)
            let written = try await state.get()
            #expect(written == Inventory(items: ["figs": 1], note: "from the host"))
            try await state.set(Inventory(items: ["figs": 5], note: nil))
            let set = try await user.read(state)
            #expect(set == Inventory(items: ["figs": 5], note: nil))
            let figs = try await user.restock("figs", by: 3, in: state)
            #expect(figs == 8)
        }
        #expect(try await state.get() == Inventory(items: ["figs": 8], note: nil))
    }

    @Test func aStateInsideAStructActsOnTheParentsValue() async throws {
        let counter = SharedState(0)
        try await withBridge(LocalStateUser.self) { user in
            let first = try await user.count(Scorecard(label: "apples", counter: counter))
            let second = try await user.count(Scorecard(label: "apples", counter: counter))
            #expect([first, second] == ["apples: 1", "apples: 2"])
        }
        #expect(try await counter.get() == 2)
    }

    @Test func theSameStatePassedTwiceInOneCallIsOneValue() async throws {
        let shared = SharedState(0)
        let (first, second) = (SharedState(0), SharedState(0))
        try await withBridge(LocalStateUser.self) { user in
            let same = try await user.add(shared, shared)
            #expect(same == 11)
            let distinct = try await user.add(first, second)
            #expect(distinct == 10)
        }
        #expect(try await shared.get() == 11)
        #expect(try await first.get() == 1)
    }

    /// The issue's bar: the parent and two hosts each add 1 to one counter 200 times, all at once.
    @Test func updatesFromTheParentAndTwoHostsAtOnceAreAllKept() async throws {
        let counter = SharedState(0)
        let first = try await Bridge<LocalStateUser>.start()
        let second = try await Bridge<LocalStateUser>.start()
        async let firstRuns = first.client.increment(counter, times: 200)
        async let secondRuns = second.client.increment(counter, times: 200)
        for _ in 0..<200 {
            try await counter.update { $0 += 1 }
        }
        // A host's body runs again each time another update came first.
        #expect(try await firstRuns >= 200)
        #expect(try await secondRuns >= 200)
        #expect(try await counter.get() == 600)
        await first.stop()
        await second.stop()
    }

    @Test func afterTheBridgeStopsAHostsUseFailsWithParentGone() async throws {
        let lines = Collector<String>()
        let state = SharedState(42)
        let bridge = try await Bridge<LocalStateUser>.start(.init(output: .lines { lines.append($0.text) }))
        #expect(try await bridge.client.keep(state) == 42)
        // The stop hook calls `get()` on the state it kept, and prints the error.
        await bridge.stop()
        let line = try #require(lines.all.first { $0.hasPrefix("stop hook: ") })
        #expect(line == "stop hook: BridgeError: \(BridgeError.parentGone(method: "SharedState.get()"))")
        // The parent's value is untouched, and still the parent's.
        #expect(try await state.update { $0 += 1; return $0 } == 43)
    }

    @Test func theParentLetsGoOfAStateWhenTheHostDropsIt() async throws {
        let probe = SideChannelProbe()
        // The host keeps a state to the end, and its stop hook prints what that state said.
        let bridge = try await Bridge<LocalStateUser>.start(.init(output: .discard))
        try await bridge.client.probe(probe)
        let side = try #require(probe.channel)
        #expect(side.exportedCount == 0)
        let inventory = SharedState(Inventory(items: [:], note: nil))
        for value in 1...5 {
            _ = try await bridge.client.read(inventory)  // held for the call only
            // The host drops the state it kept before it reads the new one, so the parent is told
            // before it serves that read: only the new one is left.
            #expect(try await bridge.client.keep(SharedState(value)) == value)
            #expect(side.exportedCount == 1)
        }
        await bridge.stop()
        #expect(side.exportedCount == 0)
    }

    @Test func aHostThatExitsInsideAnUpdateLeavesTheValueAsItWas() async throws {
        let counter = SharedState(5)
        let bridge = try await Bridge<LocalStateUser>.start()
        do {
            try await bridge.client.exitDuring(counter)
            Issue.record("the host was to exit inside the update")
        } catch let error as BridgeError {
            guard error.code == .hostExited, error.termination == .exited(3) else {
                Issue.record("expected the host to exit with status 3, got \(error)")
                return
            }
        }
        #expect(try await counter.get() == 5)
        #expect(try await counter.update { $0 += 1; return $0 } == 6)
        try await withBridge(LocalStateUser.self) { user in
            let runs = try await user.increment(counter, times: 1)
            #expect(runs == 1)
        }
        #expect(try await counter.get() == 7)
    }

    /// A host killed at an arbitrary point of its updates (in its body, with a compare-and-set
    /// on the way, or between two) while the parent updates too: every update is whole.
    @Test func aHostKilledWhileUpdatingLeavesEveryUpdateWhole() async throws {
        let sequence = SharedState<[Int]>([])
        let host = Locked<Int32>(0)
        let bridge = try await Bridge<LocalStateUser>.start(.init(output: .lines { line in
            if line.text == "extended 50 times" { _ = kill(host.withLock { $0 }, SIGKILL) }
        }))
        host.withLock { $0 = bridge.processID }
        let extending = Task { try await bridge.client.extend(sequence, times: 1_000_000, announceAfter: 50) }
        for _ in 0..<200 {
            try await sequence.update { $0.append(($0.last ?? -1) + 1) }
        }
        await #expect(throws: BridgeError.self) { try await extending.value }
        #expect(bridge.termination == .signaled(SIGKILL))
        let numbers = try await sequence.get()
        #expect(numbers.count >= 250)
        #expect(numbers == Array(0..<numbers.count))
    }

    @Test func onlyTheArgumentsOfAParentsCallCarryAState() async throws {
        let encoding = #expect(throws: EncodingError.self) { try JSONEncoder().encode(SharedState(1)) }
        guard case .invalidValue(_, let context)? = encoding else { return }
        #expect(context.debugDescription.hasPrefix("a SharedState<Int> can only be encoded as an argument of a call from a bridge's parent to its host"))

        let decoding = #expect(throws: DecodingError.self) { try JSONDecoder().decode(SharedState<Int>.self, from: Data("1".utf8)) }
        guard case .dataCorrupted(let decodingContext)? = decoding else { return }
        #expect(decodingContext.debugDescription.hasPrefix("a SharedState<Int> can only be decoded in a host"))

        try await withBridge(LocalStateUser.self) { user in
            // A host's result goes to the parent with no side channel to serve it.
            let returned = await #expect(throws: BridgeError.self) { try await user.makeState() }
            #expect("\(returned.map { "\($0)" } ?? "")".contains("can only be encoded as an argument of a call from a bridge's parent"))
            // A handle names the parent's value, which the host cannot serve to a host of its own.
            let passedOn = try await user.passOn(SharedState(1))
            #expect(passedOn.contains("a SharedState<Int> that a host received from its parent cannot be passed on"), "\(passedOn)")
        }
    }
}

@MainActor private final class MainActorRecorder {
    var seen: [Int] = []
}
