import Distributed

/// A distributed actor that a host process can create by itself, with `init(actorSystem:)`.
///
/// ``BridgeActorSystem/start(_:options:)`` names the actor type; the host finds it in its own
/// binary and needs a way to create it that does not depend on the concrete type. This
/// protocol is that way. You do not write the conformance for a distributed actor declared in a
/// target that uses the `BridgeGen` plugin: the plugin generates it for every distributed actor
/// that has `init(actorSystem:)` (the one the compiler synthesizes when the actor declares no
/// initializer, or one written with that label). Elsewhere, one line does it:
///
/// ```swift
/// extension Indexer: BridgeActorHostable {}
/// ```
///
/// The requirement names the actor's own `ActorSystem`, so that any distributed actor can
/// conform, also one that runs under `LocalTestingDistributedActorSystem` in tests or a generic
/// one; only those whose `ActorSystem` is ``BridgeActorSystem`` can be started in a host.
public protocol BridgeActorHostable: DistributedActor {
    /// Creates the actor in its host, after the host applied `BridgeOptions` (user, limits,
    /// working directory).
    init(actorSystem: ActorSystem)
}
