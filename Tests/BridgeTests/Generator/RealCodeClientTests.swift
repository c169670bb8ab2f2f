@testable import Bridge
import Foundation
import Testing

/// Calls through the clients generated for RealCodeHosts.swift, one test per construct.
@Suite struct RealCodeClientTests {
    @Test func genericAttributesAndDollarNames() async throws {
        let bridge = try await Bridge<LocalScoreboard>.start()
        // The builder runs in the host, on the real type's bodies; the client only forwards.
        #expect(try await bridge.client.total() == 42)
        #expect(try bridge.client.count == 7)
        #expect(try await bridge.client.reset$All())
        #expect(try bridge.client._$id == 9)
        #expect(ScoreboardClient._bridgeInterface.signatures.contains("reset$All() async throws -> Bool"))
        await bridge.stop()
    }

    @Test func aProtocolDeclaredInEachBranchOfAnIfUsesTheActiveOne() async throws {
        let bridge = try await Bridge<LocalHostPlatform>.start()
        #if os(Linux)
        #expect(try await bridge.client.name() == "linux")
        #expect(HostPlatformClient._bridgeInterface.signatures == ["name() async throws -> String"])
        #else
        #expect(try await bridge.client.version() == 1)
        #endif
        await bridge.stop()
    }

    /// Records what the host reports, in the parent.
    final class GaugeRecorder: Gauge {
        let values = Locked<[Int]>([])
        func record(_ value: Int) async throws { values.withLock { $0.append(value) } }
    }

    @Test func aBareProtocolNameIsACallback() async throws {
        let bridge = try await Bridge<LocalGaugeFactory>.start()
        let recorder = GaugeRecorder()
        #expect(try await bridge.client.measure(label: "four", into: recorder) == 4)
        #expect(recorder.values.withLock { $0 } == [4])
        // The same wire signature as when written `any Gauge`.
        #expect(GaugeFactoryClient._bridgeInterface.signatures == ["measure(label:String,into:any Gauge) async throws -> Int"])
        await bridge.stop()
    }
}
