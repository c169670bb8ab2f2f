import Bridge
import Testing

@Suite struct ConcurrencyTests {
    @Test func manyTasksShareOneClientAndEachGetsItsOwnAnswer() async throws {
        try await withBridge(LocalSandbox.self) { sandbox in
            try await withThrowingTaskGroup(of: (Int, Int).self) { group in
                for index in 0..<200 {
                    group.addTask { (index, try await sandbox.add(index, 1_000)) }
                }
                for try await (index, sum) in group {
                    #expect(sum == index + 1_000)
                }
            }
        }
    }

    @Test func blockingAndAsyncCallsMixFromManyThreads() async throws {
        try await withBridge(LocalSandbox.self) { sandbox in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        let count = try sandbox.run(Array(repeating: "x", count: index))
                        let sum = try await sandbox.add(index, index)
                        #expect(count == Int32(index))
                        #expect(sum == 2 * index)
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    @Test func defaultHostRunsOneCallAtATimeInArrivalOrder() async throws {
        let report = try await withBridge(OverlapCounter.self) { counter in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for number in 0..<20 {
                    group.addTask {
                        let doubled = try await counter.enter(number)
                        #expect(doubled == number * 2)
                    }
                }
                try await group.waitForAll()
            }
            return try await counter.report()
        }
        #expect(report.first == 1, "never more than one call running at once")
        #expect(report.dropFirst().sorted() == Array(0..<20))
    }

    @Test(.timeLimit(.minutes(1)))
    func hostThatOptsInRunsCallsAtTheSameTime() async throws {
        let answers = try await withBridge(Rendezvous.self) { meeting in
            // Each call returns only once all three are in the host: a host that ran one call
            // at a time would never answer.
            try await withThrowingTaskGroup(of: [String].self) { group in
                for name in ["a", "b", "c"] {
                    group.addTask { try await meeting.arrive(name, expecting: 3) }
                }
                return try await group.reduce(into: []) { $0.append($1.sorted()) }
            }
        }
        #expect(answers == Array(repeating: ["a", "b", "c"], count: 3))
    }
}
