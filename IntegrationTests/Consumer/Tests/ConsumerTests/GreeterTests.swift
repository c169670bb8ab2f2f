import Bridge
import Foundation
import Greeting
import MainActorDefault
import Probe
import Testing

@Test func greeterRunsInAHostProcess() async throws {
    let bridge = try await Bridge<LocalGreeter>.start()
    let hostID = try bridge.client.processID()
    #expect(hostID == bridge.processID)
    #expect(hostID != ProcessInfo.processInfo.processIdentifier)
    #expect(try await bridge.client.greet("test") == "Hello, test, from process \(hostID)")
    await bridge.stop()
    #expect(bridge.termination == .exited(0))
}

@Test func dedicatedHostExecutableServesTheGreeter() async throws {
    let productsDirectory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    let host = productsDirectory.appendingPathComponent("greeter-host").path
    let greeting = try await withBridge(LocalGreeter.self, options: .init(executable: host)) { greeter in
        try await greeter.greet("host executable")
    }
    #expect(greeting.hasPrefix("Hello, host executable, from process "))
}

/// Every check of the deployment matrix, from a Swift Testing test.
@Test func probeUnderSwiftTesting() async {
    #expect(await Probe.run(shape: "Swift Testing"))
}

/// A bridged protocol of a target whose default isolation is the main actor, called from the
/// main actor as an app would: the generated code is `nonisolated` where it must be.
@MainActor @Test func aTargetWhoseDefaultIsolationIsTheMainActorIsBridged() async throws {
    let tally = try await withBridge(LocalTallying.self) { tallying in
        _ = try await tallying.add(2)
        return try await tallying.add(3)
    }
    #expect(tally == Tally(count: 2, total: 5))
}
