import Distributed

/// Hooks a distributed actor can implement to run code in its host when the host starts and
/// stops: the distributed twin of `BridgeLifecycle`.
///
/// A distributed actor cannot conform to `BridgeLifecycle` (its isolated methods cannot witness
/// a requirement that anyone may call on a remote reference); these requirements are the
/// actor's own isolated methods, which the host runs on the local actor.
///
/// ```swift
/// distributed actor Indexer: BridgeActorLifecycle {
///     typealias ActorSystem = BridgeActorSystem
///     func bridgeWillStop() async { flushIndex() }
/// }
/// ```
public protocol BridgeActorLifecycle: DistributedActor {
    /// Runs in the host after `init(actorSystem:)` and before the first call.
    /// - Throws: Any error; `BridgeActorSystem.start` then throws it (as itself when it is
    ///   `Codable`) and the host exits.
    func bridgeDidStart() async throws

    /// Runs in the host when the parent calls `BridgeActorSystem.stop(_:)` or `shutdown()`,
    /// after the calls already sent have returned. It does not run when the parent dies, the
    /// system is released, or the host is killed.
    func bridgeWillStop() async
}

extension BridgeActorLifecycle {
    /// Does nothing.
    public func bridgeDidStart() async throws {}
    /// Does nothing.
    public func bridgeWillStop() async {}
}

extension BridgeActorLifecycle {
    /// Runs `bridgeDidStart` on the local actor (a host's own, so always local).
    nonisolated func runStartHook() async throws {
        try await whenLocal { try await $0.bridgeDidStart() }
    }

    /// Runs `bridgeWillStop` on the local actor.
    nonisolated func runStopHook() async {
        await whenLocal { await $0.bridgeWillStop() }
    }
}
