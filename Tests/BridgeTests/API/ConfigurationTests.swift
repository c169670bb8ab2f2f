import Bridge
import Foundation
import Testing

@Suite struct ConfigurationTests {
    @Test func theHostCreatesTheRealTypeFromTheConfiguration() async throws {
        let settings = TallySettings(start: 41, label: "from the parent")
        let bridge = try await Bridge<ConfiguredTally>.start(configuration: settings)
        #expect(try await bridge.client.settings() == settings)
        #expect(try await bridge.client.next() == 42)
        await bridge.stop()
    }

    @Test func withBridgeTakesAConfiguration() async throws {
        let values = try await withBridge(ConfiguredTally.self, configuration: TallySettings(start: 9, label: "scoped")) { tally in
            [try await tally.next(), try await tally.next()]
        }
        #expect(values == [10, 11])
    }

    @Test func anInitThatThrowsFailsStartWithItsError() async throws {
        await #expect(throws: TallyError.refused(label: "no")) {
            try await Bridge<ConfiguredTally>.start(configuration: TallySettings(start: 0, label: "no", refuse: true))
        }
    }

    @Test func startWithoutAConfigurationSaysWhichStartToUse() async throws {
        let error = await #expect(throws: BridgeError.self) { try await Bridge<ConfiguredTally>.start() }
        #expect(error?.description.contains("needs a configuration; start it with start(configuration:options:)") == true)
    }

    @Test func aRealTypeNamedByModuleAndNameIsFound() async throws {
        // A class and a struct: the runtime finds them by different routes.
        let facts = try await withBridge(RemoteSandbox.self) { try await $0.facts() }
        #expect(facts.processID != getpid())
        let label = try await withBridge(RemotePlainTally.self) { try await $0.settings().label }
        #expect(label == "plain")
    }

    @Test func anUnknownRealTypeNameIsRefusedNamingIt() async throws {
        let error = await #expect(throws: BridgeError.self) { try await Bridge<RemoteMissing>.start() }
        #expect(error?.code == .interfaceMismatch)
        #expect(error?.description.contains("no bridged type 'BridgeTests.NoSuchTally'") == true)
        // What to check, once: the executable, the name, the build.
        #expect(error?.description.contains("BridgeOptions.executable") == true, "\(String(describing: error))")
        #expect(error?.description.contains("bridgeRealTypeName") == true)
        #expect(error?.description.components(separatedBy: "same source").count == 2, "\(String(describing: error))")
    }
}
