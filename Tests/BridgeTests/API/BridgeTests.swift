import Bridge
import Foundation
import Testing

@Suite struct BridgeLifecycleTests {
    @Test func callsRunInAnotherProcessAndReturnResults() async throws {
        let bridge = try await Bridge<LocalSandbox>.start()
        let facts = try await bridge.client.facts()
        #expect(facts.processID == bridge.processID)
        #expect(facts.processID != getpid())
        #expect(facts.parentProcessID == getpid())
        #expect(try await bridge.client.add(40, 2) == 42)
        #expect(try bridge.client.run(["a", "b", "c"]) == 3)
        #expect(try await bridge.client.name == "started")
        await bridge.stop()
        #expect(bridge.termination == .exited(0))
    }
}
