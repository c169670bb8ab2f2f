@testable import Bridge
import Distributed
import Testing

/// The direct path (`LocalActors.direct`) hands a generated function its actor as an object,
/// which the function casts back unchecked (`_bridgeDistributedActor`). A target another type
/// already runs directly must still be refused on an actor of a different type.
@Suite struct DistributedDirectWrongTypeTests {
    @Test func aTargetLearnedOnOneTypeIsRefusedOnAnotherInTheParent() async throws {
        let system = BridgeActorSystem()
        let counter = try await system.start(FileCounter.self)
        let tally = HostTally(actorSystem: system)
        let sink = ProgressSink(actorSystem: system)
        // The host calls HostTally.add on the parent's tally: learned, then direct.
        for expected in 1...3 { #expect(try await counter.addThroughTally(resolving: tally.id) == expected) }
        #expect(system.directlyCalledFunctions(of: HostTally.self) == ["add(_:)"])
        // The same target on the sink's id: a hostile host's call, after the target was learned.
        for _ in 0..<2 {
            let error = await #expect(throws: BridgeError.self) { try await counter.addThroughTally(resolving: sink.id) }
            #expect(error?.code == .actorNotFound, "\(String(describing: error))")
        }
        #expect(await sink.whenLocal { $0.reports } == [])
        #expect(system.directlyCalledFunctions(of: ProgressSink.self) == [])
        #expect(try await counter.addThroughTally(resolving: tally.id) == 4)
        _ = (tally, sink)
        await system.shutdown()
    }
}
