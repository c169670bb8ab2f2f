import Distributed

/// What the `Distributed` runtime itself costs a remote call, with nothing sent: the floor
/// under any actor system's call, which shows how much of a `BridgeActorSystem` call beyond a
/// plain bridged call is the runtime's and how much the bridge's.
///
/// A call to a remote reference of an actor whose system does nothing (`NullActorSystem`): the
/// compiler's thunk, the invocation encoder's calls, `remoteCall` and its result, as
/// `BridgeActorSystem` sees them, in one process. The argument is kept as it is (no encoding)
/// and handed back as the result. Beside it, a hop to an actor and back as the runtime makes it
/// at best: from a task with no executor preference, in place. An actor host's calls prefer
/// the serving thread's executor, so their hops are enqueued and cost more (README, Limits).
enum DistributedRuntimeFloor {
    /// Nanoseconds per call: the best of several batches, each timed as a whole (a clock read
    /// costs about as much as the call).
    static func measure() async throws -> (remoteCall: Double, actorHop: Double) {
        let system = NullActorSystem()
        let remote = try NullEcho.resolve(id: 1, using: system)
        let local = LocalActor()
        let remoteCall = try await best { try await remote.echo(smallText) }
        let actorHop = try await best { await local.echo(smallText) }
        return (remoteCall, actorHop)
    }

    private static func best(_ call: () async throws -> String) async throws -> Double {
        let clock = ContinuousClock()
        let batch = 20_000
        var best = Double.infinity
        for _ in 0..<7 {
            let start = clock.now
            for _ in 0..<batch where try await call().isEmpty { fatalError("the echo came back empty") }
            let elapsed = clock.now - start
            let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
            best = min(best, nanoseconds / Double(batch))
        }
        return best
    }
}

/// An actor called from a task, with a hop to it and back: the hop a host makes for each call
/// to its distributed actor, as the runtime makes it at best.
private actor LocalActor {
    func echo(_ text: String) -> String { text }
}

/// Only ever a remote reference: its calls go to `NullActorSystem.remoteCall`.
distributed actor NullEcho {
    typealias ActorSystem = NullActorSystem
    distributed func echo(_ text: String) -> String { text }
}
