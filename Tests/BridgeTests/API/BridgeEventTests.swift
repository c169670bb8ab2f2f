import Bridge
import Foundation
import Testing

@Suite struct BridgeEventTests {
    private static let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path

    @Test func startAndStopAreReportedInOrder() async throws {
        let events = Collector<BridgeEvent>()
        let bridge = try await Bridge<LocalSandbox>.start(.init(events: { events.append($0) }))
        let pid = bridge.processID
        #expect(try await bridge.client.add(1, 2) == 3)
        await bridge.stop()
        let all = events.all
        try #require(all.count == 4, "\(all)")
        #expect(all[0] == .spawned(processID: pid, executable: Self.testBinary))
        guard case .handshakeCompleted(pid, let duration) = all[1] else {
            Issue.record("expected the handshake second, got \(all[1])")
            return
        }
        #expect(duration > .zero && duration < .seconds(30))
        #expect(all[2] == .hostExited(processID: pid, termination: .exited(0)))
        #expect(all[3] == .stopped(processID: pid, termination: .exited(0)))
        #expect(all[3].description == "host \(pid) stopped: it exited with status 0")
    }

    @Test func aHostThatDiesIsReportedWithoutAStop() async throws {
        let events = Collector<BridgeEvent>()
        let bridge = try await Bridge<LocalSandbox>.start(.init(events: { events.append($0) }))
        await #expect(throws: BridgeError.self) { try await bridge.client.raise(signal: SIGKILL) }
        #expect(events.all.last == .hostExited(processID: bridge.processID, termination: .signaled(SIGKILL)))
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
