import Bridge
import Foundation
import Testing

/// `BridgeOptions.network: .none`: a loopback of the host's own, and nothing else.
@Suite(.enabled(if: geteuid() == 0, "the tested path is a root parent"))
struct NetworkTests {
    @Test func aHostWithoutNetworkCannotReachTheParentsListeningSocket() async throws {
        let listener = try LoopbackListener()
        let reachable = try await withBridge(LocalConfinementProbe.self) { try await $0.connect(toLoopbackPort: listener.port) }
        #expect(reachable == 0, "with the parent's network, the host connects")
        let offline = try await withBridge(LocalConfinementProbe.self, options: .init(network: .none)) {
            try await $0.connect(toLoopbackPort: listener.port)
        }
        #expect(offline == ECONNREFUSED, "its own 127.0.0.1 has nothing listening")
    }

    @Test func aHostWithoutNetworkSeesOnlyItsLoopback() async throws {
        let interfaces = try await withBridge(LocalConfinementProbe.self, options: .init(network: .none)) { try await $0.interfaces() }
        #expect(interfaces == ["lo"])
        let parents = System.interfaceNames()
        #expect(parents.count > 1, "the parent keeps its interfaces: \(parents)")
    }
}
