import Bridge
import Distributed
import Testing

/// Distributed calls that a process runs through the generated table of the actor's functions
/// (`_BridgeDistributedFunctions`) rather than `executeDistributedTarget`, once the first call
/// to each function has shown which it is; and calls that start on the host's serving thread.
@Suite struct DistributedDirectCallTests {
    @Test func overloadsThatShareANameAreToldApartByTheirTypes() async throws {
        let system = BridgeActorSystem()
        let overloads = try await system.start(Overloads.self)
        // The first round teaches the host which function each call is; the others run directly.
        for _ in 0..<3 {
            #expect(try await overloads.describe(2) == "an Int, 2")
            #expect(try await overloads.describe("two") == "a String, two")
            #expect(try await overloads.describe(2, 3) == "two Ints, 5")
            let number: Int = try await overloads.one()
            let word: String = try await overloads.one()
            #expect(number == 1)
            #expect(word == "one")
        }
        await system.shutdown()
    }

    @Test func callsFromAHostToAnActorOfTheParentGoDirectOnceLearned() async throws {
        let system = BridgeActorSystem()
        let counter = try await system.start(FileCounter.self)
        let sink = ProgressSink(actorSystem: system)
        #expect(system.directlyCalledFunctions(of: ProgressSink.self).isEmpty)
        #expect(try await counter.count(steps: 4, reportingTo: sink) == 10)
        #expect(await sink.whenLocal { $0.reports } == [1, 2, 3, 4])
        #expect(system.directlyCalledFunctions(of: ProgressSink.self) == ["report(_:)"])
        await system.shutdown()
    }

    @Test func anErrorThrownOnTheDirectPathArrivesAsItself() async throws {
        let directory = try TemporaryDirectory()
        let system = BridgeActorSystem()
        let counter = try await system.start(FileCounter.self)
        #expect(try await counter.count(in: directory.path) == 0)  // learned here
        for _ in 0..<2 {
            await #expect(throws: CountingError.noSuchDirectory("/nowhere")) { try await counter.count(in: "/nowhere") }
        }
        await system.shutdown()
    }

    /// A call starts on the host's serving thread; one that suspends must let the host read and
    /// serve the next call, here the one that lets it go.
    @Test func aCallThatSuspendsLetsTheHostServeTheNext() async throws {
        let system = BridgeActorSystem()
        let gate = try await system.start(ReleaseGate.self, options: .init(callTimeout: .seconds(20)))
        let started = Latch(actorSystem: system)
        let waiting = Task { try await gate.waitUntilReleased(started: started) }
        await started.whenLocal { await $0.waitUntilOpen() }
        try await gate.release(with: 7)
        #expect(try await waiting.value == 7)
        await system.shutdown()
    }

    /// A host's call that calls the parent, which calls the host back before answering: the
    /// first call suspends, and the host serves the second meanwhile (served strictly in turn,
    /// this would wait for ever).
    @Test func aCallBackIntoTheHostWhileItsCallWaitsIsServed() async throws {
        let system = BridgeActorSystem()
        let pinger = try await system.start(Pinger.self, options: .init(callTimeout: .seconds(20)))
        let relay = Relay(actorSystem: system)
        for _ in 0..<3 { #expect(try await pinger.ping(via: relay) == 42) }
        await system.shutdown()
    }

    /// From the main actor, where most calls come from: the direct path and a call back into the
    /// parent, whose actor runs while the main actor waits.
    @MainActor @Test func callsFromTheMainActorRunAndAreCalledBack() async throws {
        let system = BridgeActorSystem()
        let pinger = try await system.start(Pinger.self, options: .init(callTimeout: .seconds(20)))
        let relay = Relay(actorSystem: system)
        for _ in 0..<3 {
            #expect(try await pinger.pong() == 42)
            #expect(try await pinger.ping(via: relay) == 42)
        }
        await system.shutdown()
    }
}
