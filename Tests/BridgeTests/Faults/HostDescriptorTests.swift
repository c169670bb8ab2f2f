import Bridge
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A host whose real object tampers with the bridge's own descriptors (3 and 4).
protocol Vandal: Bridged {
    /// Closes descriptors 3 and 4, then returns.
    func closeBridgeDescriptors() async throws -> Int
    /// Points descriptors 3 and 4 at /dev/null, then returns.
    func nullBridgeDescriptors() async throws -> Int
}

final class LocalVandal: Vandal {
    init() {}

    func closeBridgeDescriptors() async throws -> Int {
        close(3)
        close(4)
        return 1
    }

    func nullBridgeDescriptors() async throws -> Int {
        let null = open("/dev/null", O_RDWR)
        dup2(null, 3)
        dup2(null, 4)
        close(null)
        return 1
    }
}

/// Whatever a host does to its own end of the bridge, the host ends and is reaped, and calls
/// fail with its end.
@Suite struct HostDescriptorTests {
    @Test(arguments: ["close", "dup2 /dev/null"])
    func aHostThatTampersWithItsBridgeIsSeenToEnd(_ how: String) async throws {
        let bridge = try await Bridge<LocalVandal>.start(BridgeOptions(stopTimeout: .seconds(1)))
        let client = bridge.client
        let began = ContinuousClock.now
        // With shared memory the tampering call's reply may still come through the ring; the
        // host sees its socket gone when it next waits on it, and ends.
        _ = try? await (how == "close" ? client.closeBridgeDescriptors() : client.nullBridgeDescriptors())
        #expect(await eventually(within: .seconds(20)) { bridge.termination != nil })
        let error = await #expect(throws: BridgeError.self) { _ = try await client.closeBridgeDescriptors() }
        #expect(error?.code == .hostExited, "\(String(describing: error))")
        #expect(ContinuousClock.now - began < .seconds(20))  // bounded, not timed
        await bridge.stop()
        #expect(bridge.termination != nil)
    }
}
