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
        let entry = WeakLocalActor(actor, calls: calls(of: Act.self))
        actors.withLock { $0[actor.id.actor] = entry }
    }

    /// What calls to each actor type have learned, shared by its actors: its generated
    /// functions, and which targets are its own.
    private let types = Locked<[ObjectIdentifier: AnyObject]>([:])

    /// The functions of `type` that calls to its actors here now reach directly, by name: for
    /// tests.
    func directlyCalledFunctions<Act: DistributedActor>(of type: Act.Type) -> [String] {
        (types.withLock { $0[ObjectIdentifier(type)] } as? ActorTypeCalls<Act>)?.table?.matchedNames ?? []
    }

    private func calls<Act: DistributedActor>(of type: Act.Type) -> ActorTypeCalls<Act> {
        let key = ObjectIdentifier(type)
        // Made under the lock, so that all actors of a type share what one call learns.
        return types.withLock { types in
            // The key is `Act`'s own, so the cast cannot fail.
            if let known = types[key] { return known as! ActorTypeCalls<Act> }
            let calls = ActorTypeCalls<Act>(table: DistributedFunctionTable.of(type))
            types[key] = calls
            return calls
        }
    }

    /// Forgets an actor that resigned its id.
    func remove(_ number: UInt64) {
        _ = actors.withLock { $0.removeValue(forKey: number) }
    }

    /// The actor `id` names, which lives here.
    /// - Throws: `BridgeError` (`actorNotFound`) when it no longer lives here, or is not an `Act`.
    func find<Act: DistributedActor>(_ id: BridgeActorSystem.ActorID, as type: Act.Type, in process: String) throws -> Act {
        guard let actor = actors.withLock({ $0[id.actor] })?.actor else { throw BridgeError.actorNotFound(id, in: process) }
        guard let typed = actor as? Act else {
            throw BridgeError.actorOfAnotherType(id, is: String(reflecting: Swift.type(of: actor)), not: String(reflecting: Act.self), in: process)
        }
        return typed
    }

    /// The generated function that a call runs directly, with the actor it runs on: when the
    /// call's target was learned (`DistributedFunctionTable`) and its actor lives. Otherwise
    /// nil, for `execute`, which also says why a call cannot run.
    func direct(_ call: DistributedCall) -> DirectCall? {
        guard call.genericSubstitutions.isEmpty, let entry = actors.withLock({ $0[call.recipient.actor] }) else { return nil }
        return entry.direct(call.target)
    }

    /// Runs a call on the actor it names, and writes what it returned to `result`.
    /// - Throws: `BridgeError` (`actorNotFound`) when no such actor lives here any more;
    ///   otherwise what the function threw.
    nonisolated(nonsending) func execute(
        _ call: DistributedCall, arguments: _WireReader, system: BridgeActorSystem, into result: inout _WireWriter
    ) async throws {
        // Whether it is still alive, its entry tells: one weak load per call, not two.
        guard let entry = actors.withLock({ $0[call.recipient.actor] }) else {
            throw BridgeError.actorNotFound(call.recipient, in: system.processDescription)
        }
        try await entry.execute(call, arguments: arguments, system: system, into: &result)
    }
}

/// What calls to the actors of one type share.
private final class ActorTypeCalls<Act: DistributedActor>: Sendable {
    /// Its generated functions, if the generator made a table for it.
    let table: DistributedFunctionTable?
    let owner = DistributedTargetOwner<Act>()

    init(table: DistributedFunctionTable?) { self.table = table }
}

/// A registered actor with its type erased, but not the type `executeDistributedTarget` needs.
private protocol LocalActor: Sendable {
    var actor: (any DistributedActor)? { get }
    func direct(_ target: DistributedTarget) -> DirectCall?
    nonisolated(nonsending) func execute(
        _ call: DistributedCall, arguments: _WireReader, system: BridgeActorSystem, into result: inout _WireWriter
    ) async throws
}

private final class WeakLocalActor<Act: DistributedActor>: LocalActor, @unchecked Sendable
where Act.ID == BridgeActorSystem.ActorID {
    // Unchecked: a weak reference to an actor, written once in init.
    weak var typed: Act?
    let calls: ActorTypeCalls<Act>

    init(_ actor: Act, calls: ActorTypeCalls<Act>) {
        typed = actor
        self.calls = calls
    }

    var actor: (any DistributedActor)? { typed }

    func direct(_ target: DistributedTarget) -> DirectCall? {
        guard let table = calls.table, case .function(let function) = table.lookup(target), let typed else { return nil }
        return DirectCall(function: function, actor: typed)
    }

    nonisolated(nonsending) func execute(
        _ call: DistributedCall, arguments: _WireReader, system: BridgeActorSystem, into result: inout _WireWriter
    ) async throws {
        guard let typed else { throw BridgeError.actorNotFound(call.recipient, in: system.processDescription) }
        let table = calls.table
        var learns = false
        if call.genericSubstitutions.isEmpty, let table {
            switch table.lookup(call.target) {
            case .function(let function):
                // Learned by a call that ran below after `direct` looked (calls racing to be
                // the first): the check passed then.
                var arguments = arguments
                try await function(typed, &arguments, &result)
                return
            case .unknown:
                learns = true
            case .noFunction:
                break
            }
        }
        try calls.owner.check(call.target, substitutions: call.genericSubstitutions, on: typed, id: call.recipient, in: system.processDescription)
        var decoder = BridgeActorSystem.InvocationDecoder(reader: arguments, call: call)
        if learns { decoder.decodedTypes = [] }
        let handler = BridgeActorSystem.ResultHandler()
        try await system.executeDistributedTarget(
            on: typed, target: RemoteCallTarget(call.target.identifier), invocationDecoder: &decoder, handler: handler)
        calls.owner.ran(call.target, substitutions: call.genericSubstitutions)
        try handler.result().write(to: &result)
        if learns, let table, let types = decoder.decodedTypes, types.count == call.argumentCount, let resultType = handler.resultType {
            table.learn(call.target, argumentTypes: types, resultType: resultType)
        }
    }
}

/// A call that runs a generated function directly (`LocalActors.direct(_:)`).
struct DirectCall {
    let function: ErasedDistributedFunction
    /// The actor, of the function's actor type.
    let actor: AnyObject
}
