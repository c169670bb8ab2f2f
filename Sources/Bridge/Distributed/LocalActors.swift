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
        let entry = WeakLocalActor(actor, table: table(of: Act.self))
        actors.withLock { $0[actor.id.actor] = entry }
    }

    /// The generated functions of each actor type, shared by its actors so that what one call
    /// learns serves them all; `NoTable` for a type without.
    private let tables = Locked<[ObjectIdentifier: AnyObject]>([:])

    /// The functions of `type` that calls to its actors here now reach directly, by name: for
    /// tests.
    func directlyCalledFunctions<Act: DistributedActor>(of type: Act.Type) -> [String] {
        (tables.withLock { $0[ObjectIdentifier(type)] } as? DistributedFunctionTable<Act>)?.matchedNames ?? []
    }

    private func table<Act: DistributedActor>(of type: Act.Type) -> DistributedFunctionTable<Act>? {
        let key = ObjectIdentifier(type)
        // Made under the lock, so that all actors of a type share one table and what it learns.
        return tables.withLock { tables in
            if let known = tables[key] { return known as? DistributedFunctionTable<Act> }
            let table = DistributedFunctionTable.of(type)
            tables[key] = table ?? NoTable.shared
            return table
        }
    }

    /// Forgets an actor that resigned its id.
    func remove(_ number: UInt64) {
        _ = actors.withLock { $0.removeValue(forKey: number) }
    }

    /// The actor with `number`, if it still lives here and is an `Act`.
    func find<Act: DistributedActor>(_ number: UInt64, as type: Act.Type) -> Act? {
        actors.withLock { $0[number] }?.actor as? Act
    }

    /// Runs a call on the actor it names, and writes what it returned to `result`.
    /// - Throws: `BridgeError` (`actorNotFound`) when no such actor lives here any more;
    ///   otherwise what the function threw.
    nonisolated(nonsending) func execute(
        _ call: DistributedCall, arguments: _WireReader, system: BridgeActorSystem, into result: inout _WireWriter
    ) async throws {
        guard let entry = actors.withLock({ $0[call.recipient.actor] }), entry.isAlive else {
            throw BridgeError.actorNotFound(call.recipient, in: system.processDescription)
        }
        try await entry.execute(call, arguments: arguments, system: system, into: &result)
    }
}

/// What `LocalActors.tables` holds for a type without generated functions.
private final class NoTable: Sendable {
    static let shared = NoTable()
}

/// A registered actor with its type erased, but not the type `executeDistributedTarget` needs.
private protocol LocalActor: Sendable {
    var actor: (any DistributedActor)? { get }
    var isAlive: Bool { get }
    nonisolated(nonsending) func execute(
        _ call: DistributedCall, arguments: _WireReader, system: BridgeActorSystem, into result: inout _WireWriter
    ) async throws
}

private final class WeakLocalActor<Act: DistributedActor>: LocalActor, @unchecked Sendable
where Act.ID == BridgeActorSystem.ActorID {
    // Unchecked: a weak reference to an actor, written once in init.
    weak var typed: Act?
    let table: DistributedFunctionTable<Act>?

    init(_ actor: Act, table: DistributedFunctionTable<Act>?) {
        typed = actor
        self.table = table
    }

    var actor: (any DistributedActor)? { typed }
    var isAlive: Bool { typed != nil }

    nonisolated(nonsending) func execute(
        _ call: DistributedCall, arguments: _WireReader, system: BridgeActorSystem, into result: inout _WireWriter
    ) async throws {
        guard let typed else { throw BridgeError.actorNotFound(nil, in: system.processDescription) }
        var learns = false
        if call.genericSubstitutions.isEmpty, let table {
            switch table.lookup(call.target) {
            case .function(let function):
                var arguments = arguments
                try await function.invoke(typed, &arguments, &result)
                return
            case .unknown:
                learns = true
            case .noFunction:
                break
            }
        }
        var decoder = BridgeActorSystem.InvocationDecoder(reader: arguments, call: call)
        if learns { decoder.decodedTypes = [] }
        let handler = BridgeActorSystem.ResultHandler()
        try await system.executeDistributedTarget(
            on: typed, target: RemoteCallTarget(call.target.identifier), invocationDecoder: &decoder, handler: handler)
        try handler.result().write(to: &result)
        if learns, let table, let types = decoder.decodedTypes, types.count == call.argumentCount, let resultType = handler.resultType {
            table.learn(call.target, argumentTypes: types, resultType: resultType)
        }
    }
}
