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

/// Whatever a host does to its own end of the bridge, the host ends, the call waiting on it
/// (or the next one) fails with its end, and the host is reaped. With shared memory the
/// tampering call's own reply may still go through the ring before the host sees its socket
/// gone; the host ends right after.
@Suite struct HostDescriptorTests {
    @Test(arguments: ["close", "dup2 /dev/null"])
    func aHostThatTampersWithItsBridgeIsSeenToEnd(_ how: String) async throws {
        let bridge = try await Bridge<LocalVandal>.start(BridgeOptions(stopTimeout: .seconds(1)))
        let client = bridge.client
        let began = ContinuousClock.now
        var error: BridgeError?
        // The first call that fails; a host still spinning on its ring may answer a few more
        // before it parks on its socket and finds it gone.
        for _ in 0..<1000 where error == nil {
            do {
                _ = how == "close" ? try await client.closeBridgeDescriptors() : try await client.nullBridgeDescriptors()
            } catch let failure as BridgeError {
                error = failure
            }
        }
        #expect(error?.code == .hostExited, "\(String(describing: error))")
        #expect(ContinuousClock.now - began < .seconds(20))  // bounded, not timed
        await bridge.stop()
        #expect(bridge.termination != nil)
    }
}
