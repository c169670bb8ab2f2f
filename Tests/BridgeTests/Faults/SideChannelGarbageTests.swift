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
    /// Calls `witness` once (so the parent serves the side channel), then writes `graffiti`
    /// onto descriptor 4 and waits to be killed.
    func scribble(_ graffiti: Graffiti, witness: any Witness) async throws -> Int
    func quick() async throws -> Int
}

final class LocalScribbler: Scribbler {
    init() {}

    func scribble(_ graffiti: Graffiti, witness: any Witness) async throws -> Int {
        try await witness.note("before")
        graffiti.write(on: 4)
        while true { pause() }
    }

    func quick() async throws -> Int { 1 }
}

/// Nothing a host sends on either socket may hang or confuse its parent: garbage on the side
/// channel ends that host, its waiting call fails saying why, and other bridges go on.
@Suite struct SideChannelGarbageTests {
    @Test(arguments: Graffiti.onSockets, [nil, "nobody"])
    func garbageOnTheSideChannelEndsTheHost(graffiti: Graffiti, user: String?) async throws {
        let other = try await Bridge<LocalScribbler>.start()
        var options = BridgeOptions(user: user)
        options.callTimeout = .seconds(30)  // a parent that ignored the garbage fails here, not hangs
        let bridge = try await Bridge<LocalScribbler>.start(options)
        let began = ContinuousClock.now
        let error = await #expect(throws: BridgeError.self) { try await bridge.client.scribble(graffiti, witness: LocalWitness()) }
        let expected = graffiti.expectedError
        #expect(error?.code == expected, "\(String(describing: error))")
        #expect(ContinuousClock.now - began < .seconds(20))  // bounded, not timed
        await bridge.stop()
        #expect(bridge.termination == .signaled(SIGKILL))
        #expect(try await other.client.quick() == 1)
        await other.stop()
    }
}
