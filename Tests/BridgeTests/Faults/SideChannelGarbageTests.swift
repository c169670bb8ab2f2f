import Bridge
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// An object the parent passes, so that the parent serves the side channel.
protocol Witness: Bridged, Sendable {
    func note(_ text: String) async throws
}

final class LocalWitness: Witness {
    func note(_ text: String) async throws {}
}

/// A host whose real object writes garbage onto the side channel (descriptor 4).
protocol Scribbler: Bridged {
    /// Calls `witness` once (so the parent serves the side channel), then writes a frame
    /// header of an unknown kind onto descriptor 4 and waits to be killed.
    func scribble(witness: any Witness) async throws -> Int
    func quick() async throws -> Int
}

final class LocalScribbler: Scribbler {
    init() {}

    func scribble(witness: any Witness) async throws -> Int {
        try await witness.note("before")
        let garbage: [UInt8] = [5, 0, 0, 0, 0xEE, 1, 0, 0, 0]  // length 5, kind 0xEE: no frame's
        _ = write(4, garbage, garbage.count)
        while true { pause() }
    }

    func quick() async throws -> Int { 1 }
}

/// Nothing a host sends on either socket may hang or confuse its parent: garbage on the side
/// channel ends that host, its waiting call fails saying why, and other bridges go on.
@Suite struct SideChannelGarbageTests {
    @Test(arguments: [nil, "nobody"])
    func garbageOnTheSideChannelEndsTheHost(user: String?) async throws {
        let other = try await Bridge<LocalScribbler>.start()
        let bridge = try await Bridge<LocalScribbler>.start(BridgeOptions(user: user))
        let began = ContinuousClock.now
        let error = await #expect(throws: BridgeError.self) { try await bridge.client.scribble(witness: LocalWitness()) }
        #expect(error?.code == .malformedMessage, "\(String(describing: error))")
        #expect(ContinuousClock.now - began < .seconds(20))  // bounded, not timed
        await bridge.stop()
        #expect(bridge.termination == .signaled(SIGKILL))
        #expect(try await other.client.quick() == 1)
        await other.stop()
    }
}
