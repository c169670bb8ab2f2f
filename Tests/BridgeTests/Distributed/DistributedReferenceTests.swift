import Bridge
import Distributed
import Foundation
import Testing

/// Distributed actors passed as arguments and results, in both directions and between hosts.
@Suite struct DistributedReferenceTests {
    @Test func anActorOfTheParentPassedToAHostIsCalledBack() async throws {
        let system = BridgeActorSystem()
        let counter = try await system.start(FileCounter.self)
        let sink = ProgressSink(actorSystem: system)
        #expect(try await counter.count(steps: 4, reportingTo: sink) == 10)
        #expect(await sink.whenLocal { $0.reports } == [1, 2, 3, 4])
        await system.shutdown()
    }

    @Test func anActorOfAnotherSystemIsRefusedNotTakenForOneOfThisSystem() async throws {
        // Both systems have a host 1 with an actor 1: without the system in the id, the second
        // host took the first's actor for itself, and called itself.
        let first = BridgeActorSystem()
        let second = BridgeActorSystem()
        let inFirst = try await first.start(FileCounter.self)
        let inSecond = try await second.start(FileCounter.self)
        #expect(inFirst.id.host == inSecond.id.host && inFirst.id.actor == inSecond.id.actor)
        #expect(inFirst.id != inSecond.id)
        let refused = await #expect(throws: BridgeError.self) { try await inSecond.askPeer(inFirst, toCount: "/") }
        #expect(refused?.code == .actorNotFound, "\(String(describing: refused))")
        #expect(refused?.description.contains("belongs to another BridgeActorSystem") == true, "\(String(describing: refused))")
        // An actor of the first system's parent, passed to the second's host, is refused too.
        let sink = ProgressSink(actorSystem: first)
        let alsoRefused = await #expect(throws: BridgeError.self) { try await inSecond.count(steps: 2, reportingTo: sink) }
        #expect(alsoRefused?.description.contains("belongs to another BridgeActorSystem") == true, "\(String(describing: alsoRefused))")
        #expect(await sink.whenLocal { $0.reports } == [])
        // Within each system, all goes on.
        #expect(try await inSecond.count(steps: 2, reportingTo: ProgressSink(actorSystem: second)) == 3)
        await first.shutdown()
        await second.shutdown()
    }

    @Test func anActorThatComesBackIsTheOriginal() async throws {
        let system = BridgeActorSystem()
        let counter = try await system.start(FileCounter.self)
        let latch = Latch(actorSystem: system)
        let returned = try await counter.echo(latch)
        #expect(returned.id == latch.id)
        #expect(returned === latch)
        #expect(await returned.whenLocal { _ in true } == true)
        await system.shutdown()
    }

    @Test func anActorCreatedInAHostIsARemoteReferenceInTheParent() async throws {
        let system = BridgeActorSystem()
        let counter = try await system.start(FileCounter.self)
        let tally = try await counter.makeTally()
        #expect(tally.id.host == counter.id.host)
        #expect(await tally.whenLocal { _ in true } == nil)
        #expect(await counter.whenLocal { _ in true } == nil)
        #expect(try await tally.hostProcessID() == system.processID(of: counter))
        #expect(try await tally.add(2) == 2)
        #expect(try await tally.add(3) == 5)
        // Passed back to its own host, it is the local instance there.
        #expect(try await counter.tallies(tally, times: 2) == 7)
        await system.shutdown()
    }

    @Test func twoHostsCallEachOtherThroughTheParent() async throws {
        let directory = try TemporaryDirectory()
        for name in ["x", "y"] { #expect(FileManager.default.createFile(atPath: directory.path + "/" + name, contents: nil)) }
        let system = BridgeActorSystem()
        let first = try await system.start(FileCounter.self)
        let second = try await system.start(FileCounter.self)
        let answer = try await first.askPeer(second, toCount: directory.path)
        #expect(answer == [Int(try #require(system.processID(of: second))), 2])
        // An error from the far host travels back through both hops as itself.
        await #expect(throws: CountingError.noSuchDirectory("/nowhere")) { try await first.askPeer(second, toCount: "/nowhere") }
        await system.shutdown()
    }

    @Test func anActorReleasedWhereItLivedIsNotFound() throws {
        let system = BridgeActorSystem()
        var sink: ProgressSink? = ProgressSink(actorSystem: system)
        let id = sink!.id
        #expect(try ProgressSink.resolve(id: id, using: system) === sink)
        sink = nil
        let error = #expect(throws: BridgeError.self) { try ProgressSink.resolve(id: id, using: system) }
        #expect(error?.code == .actorNotFound)
    }
}
