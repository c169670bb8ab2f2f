import Bridge
import Foundation
import Testing

@Suite struct BridgeEventTests {
    private static let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path

    @Test func startAndStopAreReportedInOrder() async throws {
        let events = Collector<BridgeEvent>()
        let clock = ContinuousClock()
        let began = clock.now
        let bridge = try await Bridge<LocalSandbox>.start(.init(events: { events.append($0) }))
        let startTook = clock.now - began
        let pid = bridge.processID
        #expect(try await bridge.client.add(1, 2) == 3)
        await bridge.stop()
        let all = events.all
        try #require(all.count == 5, "\(all)")
        #expect(all[0] == .spawned(processID: pid, executable: Self.testBinary))
        guard case .handshakeCompleted(pid, let duration) = all[1] else {
            Issue.record("expected the handshake second, got \(all[1])")
            return
        }
        #expect(duration > .zero && duration <= startTook, "the handshake is part of start()")
        guard case .call("add(_:Int,_:Int) async throws -> Int", _, .returned) = all[2] else {
            Issue.record("expected the call third, got \(all[2])")
            return
        }
        #expect(all[3] == .hostExited(processID: pid, termination: .exited(0)))
        #expect(all[4] == .stopped(processID: pid, termination: .exited(0)))
        #expect(all[4].description == "host \(pid) stopped: it exited with status 0")
    }

    @Test func eachCallIsReportedWithHowItEnded() async throws {
        let events = Collector<BridgeEvent>()
        let bridge = try await Bridge<LocalSandbox>.start(.init(events: { events.append($0) }))
        let sandbox = bridge.client
        _ = try sandbox.run(["a", "b"])
        await #expect(throws: SandboxError.self) { try await sandbox.fail(path: "/nowhere") }
        await #expect(throws: BridgeError.self) { try await sandbox.failOpaquely() }
        let cancelled = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await sandbox.add(1, 1)
        }
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        await #expect(throws: BridgeError.self) { try await sandbox.exit(status: 7) }
        await bridge.stop()

        let calls = events.all.compactMap { event -> (String, BridgeCallOutcome)? in
            guard case .call(let method, let duration, let outcome) = event else { return nil }
            #expect(duration >= .zero)
            return (method, outcome)
        }
        try #require(calls.count == 5, "\(calls)")
        #expect(calls[0].0 == "run(_:[String]) throws -> Int32" && calls[0].1 == .returned)
        #expect(calls[1].0 == "fail(path:String) async throws" && calls[1].1 == .threw(typeName: String(reflecting: SandboxError.self)))
        guard case .threw = calls[2].1 else {
            Issue.record("an error that is not Codable is the real object's too, got \(calls[2].1)")
            return
        }
        #expect(calls[3].1 == .cancelled)
        #expect(calls[4].1 == .failed(.hostExited(processID: bridge.processID, termination: .exited(7), method: "exit(status:Int32) async throws")))
    }

    @Test func aHostThatDiesIsReportedWithoutAStop() async throws {
        let events = Collector<BridgeEvent>()
        let bridge = try await Bridge<LocalSandbox>.start(.init(events: { events.append($0) }))
        await #expect(throws: BridgeError.self) { try await bridge.client.raise(signal: SIGKILL) }
        #expect(events.all.contains(.hostExited(processID: bridge.processID, termination: .signaled(SIGKILL))))
        #expect(!events.all.contains { if case .stopped = $0 { true } else { false } })
        await bridge.stop()
    }

    @Test func aHostKilledWhileNoCallIsInFlightIsReapedAndReported() async throws {
        // Nobody reads the socket: only the reader thread's watch on the host can see it go.
        let events = Collector<BridgeEvent>()
        let bridge = try await Bridge<LocalSandbox>.start(.init(events: { events.append($0) }))
        kill(bridge.processID, SIGKILL)
        #expect(await eventually(within: .seconds(10)) {
            events.all.contains(.hostExited(processID: bridge.processID, termination: .signaled(SIGKILL)))
        })
        #expect(processIsGone(bridge.processID))
        await #expect(throws: BridgeError.hostExited(processID: bridge.processID, termination: .signaled(SIGKILL), method: "currentDirectory() async throws -> String", waiting: false)) {
            _ = try await bridge.client.currentDirectory()
        }
        await bridge.stop()
    }

    @Test func aFailedStartReportsTheSpawnAndTheExit() async throws {
        let events = Collector<BridgeEvent>()
        var environment = ProcessInfo.processInfo.environment
        environment["SANDBOX_FAIL_START"] = "events"
        await #expect(throws: SandboxError.self) {
            try await Bridge<LocalSandbox>.start(.init(environment: environment, events: { events.append($0) }))
        }
        let all = events.all
        #expect(all.count == 2, "\(all)")
        guard case .spawned(let pid, _) = all.first else {
            Issue.record("expected a spawn first, got \(all)")
            return
        }
        // Its status is 1, unless a loaded machine made it miss the grace period before SIGTERM.
        guard case .hostExited(pid, _) = all.last else {
            Issue.record("expected the host's exit last, got \(all)")
            return
        }
    }

    @Test func aBareExecutableNameIsFoundNextToThisBinary() async throws {
        let name = URL(fileURLWithPath: Self.testBinary).lastPathComponent
        let events = Collector<BridgeEvent>()
        let facts = try await withBridge(LocalSandbox.self, options: .init(executable: name, events: { events.append($0) })) {
            try await $0.facts()
        }
        #expect(facts.parentProcessID == getpid())
        #expect(events.all.first == .spawned(processID: facts.processID, executable: Self.testBinary))
    }

    @Test func aMissingBareExecutableNameFailsStartNamingIt() async throws {
        let error = await #expect(throws: BridgeError.self) {
            try await Bridge<LocalSandbox>.start(.init(executable: "no-such-host-7f3a"))
        }
        #expect(error?.description.contains("no host executable 'no-such-host-7f3a' next to this program") == true)
        #expect(error?.description.contains("swift build --product no-such-host-7f3a") == true)
    }
}
