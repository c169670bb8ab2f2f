import Bridge
import Foundation
import Greeting
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
