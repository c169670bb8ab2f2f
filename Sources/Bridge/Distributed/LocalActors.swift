import Distributed

/// The distributed actors that live in this process, by number: what `resolve` finds and what
/// an incoming call runs on.
///
/// Held weakly, as the `Distributed` runtime expects: an actor lives as long as this process
/// holds it, and resigns its id when it goes. An actor passed to another process as an
/// argument must be kept alive here for as long as that process calls it. The one exception
/// is the actor a host was started for, which its host holds for life.
final class LocalActors: Sendable {
    private let actors = Locked<[UInt64: any LocalActor]>([:])
    private let nextNumber = Locked<UInt64>(1)

    /// A fresh actor number.
    func assign() -> UInt64 {
        nextNumber.withLock { number in
            defer { number += 1 }
            return number
        }
    }

    /// Registers a ready actor.
    func add<Act: DistributedActor>(_ actor: Act) where Act.ID == BridgeActorSystem.ActorID {
        actors.withLock { $0[actor.id.actor] = WeakLocalActor(actor) }
    }

    /// Forgets an actor that resigned its id.
    func remove(_ number: UInt64) {
        _ = actors.withLock { $0.removeValue(forKey: number) }
    }

    /// The actor with `number`, if it still lives here and is an `Act`.
    func find<Act: DistributedActor>(_ number: UInt64, as type: Act.Type) -> Act? {
        actors.withLock { $0[number] }?.actor as? Act
    }

    /// Runs a call on the actor it names.
    /// - Throws: `BridgeError` (`actorNotFound`) when no such actor lives here any more;
    ///   otherwise what the function threw.
    func execute(
        _ call: DistributedCall, arguments: _WireReader, system: BridgeActorSystem
    ) async throws -> DistributedReply {
        guard let entry = actors.withLock({ $0[call.recipient.actor] }), entry.isAlive else {
            throw BridgeError.actorNotFound(call.recipient, in: system.processDescription)
        }
        var decoder = BridgeActorSystem.InvocationDecoder(reader: arguments, call: call)
        let handler = BridgeActorSystem.ResultHandler()
        try await entry.execute(RemoteCallTarget(call.target), decoder: &decoder, handler: handler, system: system)
        return try handler.result()
    }
}

/// A registered actor with its type erased, but not the type `executeDistributedTarget` needs.
private protocol LocalActor: Sendable {
    var actor: (any DistributedActor)? { get }
    var isAlive: Bool { get }
    func execute(
        _ target: RemoteCallTarget, decoder: inout BridgeActorSystem.InvocationDecoder,
        handler: BridgeActorSystem.ResultHandler, system: BridgeActorSystem
    ) async throws
}

private final class WeakLocalActor<Act: DistributedActor>: LocalActor, @unchecked Sendable
where Act.ID == BridgeActorSystem.ActorID {
    // Unchecked: a weak reference to an actor, written once in init.
    weak var typed: Act?

    init(_ actor: Act) { typed = actor }

    var actor: (any DistributedActor)? { typed }
    var isAlive: Bool { typed != nil }

    func execute(
        _ target: RemoteCallTarget, decoder: inout BridgeActorSystem.InvocationDecoder,
        handler: BridgeActorSystem.ResultHandler, system: BridgeActorSystem
    ) async throws {
        guard let typed else { throw BridgeError.actorNotFound(nil, in: system.processDescription) }
        try await system.executeDistributedTarget(on: typed, target: target, invocationDecoder: &decoder, handler: handler)
    }
}
