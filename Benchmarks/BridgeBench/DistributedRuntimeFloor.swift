import Bridge
import Distributed
import Foundation

/// What the `Distributed` runtime itself costs a remote call, with nothing sent: the floor
/// under any actor system's call, which shows how much of a `BridgeActorSystem` call beyond a
/// plain bridged call is the runtime's and how much the bridge's.
///
/// A call to a remote reference of an actor whose system does nothing (`NullActorSystem`): the
/// compiler's thunk, the invocation encoder's calls, `remoteCall` and its result, as
/// `BridgeActorSystem` sees them, in one process. The argument is kept as it is (no encoding)
/// and handed back as the result. Beside it, a hop to an actor and back as the runtime makes it
/// at best: from a task with no executor preference, in place; and as it makes it for an
/// actor host's calls, which prefer the serving thread's executor (`ServingExecutor`): the
/// runtime enqueues such a task's hop to the actor, and its hop back, allocating the actor's
/// job on the way in and locking the task's status at each step (README, Limits). The host
/// needs the preference: its serving loop holds its thread, and on one CPU its pool has no
/// other; with none, each call's task would be resumed on the pool, a thread woken per call.
///
/// The remote call and the host's hop are steps every distributed call to a host takes, made
/// by the runtime: together, its own share of the extra time a distributed call takes over a
/// plain one.
enum DistributedRuntimeFloor {
    struct Costs {
        /// The compiler's thunk, the invocation encoder and `remoteCall`, with nothing sent.
        var remoteCall: Double
        /// A hop to an idle actor and back, in place.
        var actorHop: Double
        /// The same hop, from a task that prefers a host's `ServingExecutor`.
        var hostActorHop: Double
    }

    /// Nanoseconds per call: the best of several batches, each timed as a whole (a clock read
    /// costs about as much as the call).
    static func measure() async throws -> Costs {
        let system = NullActorSystem()
        let remote = try NullEcho.resolve(id: 1, using: system)
        let local = LocalActor()
        let remoteCall = try await best { try await remote.echo(smallText) }
        let actorHop = try await hop(to: local)
        return Costs(remoteCall: remoteCall, actorHop: actorHop, hostActorHop: await hopAsAHostMakesIt(to: local))
    }

    /// A hop to `actor` and back: the call, less the same loop calling no actor (under a task
    /// executor preference, the loop's own calls take the task's status lock too).
    private static func hop(to actor: LocalActor) async throws -> Double {
        try await best { await actor.echo(smallText) } - best { smallText }
    }

    /// Times hops to `actor` from a task that prefers a `ServingExecutor`, run as a host's
    /// serving loop runs it: on a thread of its own, which runs the task's jobs and the actor's
    /// in turn (every job is enqueued from that thread, so none goes to the pool).
    private static func hopAsAHostMakesIt(to actor: LocalActor) async -> Double {
        await withCheckedContinuation { (continuation: CheckedContinuation<Double, Never>) in
            let thread = Thread {
                let executor = ServingExecutor()
                executor.enter()
                Task(executorPreference: executor) {
                    let nanoseconds = (try? await hop(to: actor)) ?? .nan
                    continuation.resume(returning: nanoseconds)
                }
                executor.leave()  // runs the task's jobs, and the actor's, until the task ends
            }
            thread.start()
        }
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
/// to its distributed actor.
///
/// It counts its calls: the optimizer drops the hop to an actor whose function touches none of
/// its state (timed so, it took 8 ns: one `swift_task_switch` a call and no job enqueued, with
/// or without an executor preference).
private actor LocalActor {
    private var calls = 0

    func echo(_ text: String) -> String {
        calls &+= 1
        return text
    }
}

/// Only ever a remote reference: its calls go to `NullActorSystem.remoteCall`.
distributed actor NullEcho {
    typealias ActorSystem = NullActorSystem
    distributed func echo(_ text: String) -> String { text }
}
