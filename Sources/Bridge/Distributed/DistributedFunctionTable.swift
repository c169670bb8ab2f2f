import Distributed

/// The generated functions of one distributed actor type (`_BridgeDistributedFunctions`), and
/// which call target each one is: learned from the target's first call, which runs through
/// `executeDistributedTarget` while the decoder and the result handler note the types they see.
///
/// A target is matched to the function with its name (`RemoteCallTarget.description`, which
/// names the actor type too), its argument types and its result type; overloads differ in one
/// of them. A generic target
/// never matches (its table has no generic functions), nor does one that threw before the first
/// return (tried again at its next call).
final class DistributedFunctionTable<Act: DistributedActor>: Sendable {
    private let functions: [_BridgeDistributedFunction<Act>]
    /// `Module.Indexer`, as a target's description names the actor type.
    private let typeName = String(reflecting: Act.self)
    /// By target: the function's index in `functions`, or nil when none is the target.
    private let learned = Locked<[DistributedTarget: Int?]>([:])

    private init(_ functions: [_BridgeDistributedFunction<Act>]) { self.functions = functions }

    /// The table of `Act`, when the generator made one.
    static func of(_ type: Act.Type) -> DistributedFunctionTable? {
        guard let generated = Act.self as? any _BridgeDistributedFunctions.Type else { return nil }
        return DistributedFunctionTable(functions(of: generated))
    }

    private static func functions<Generated: _BridgeDistributedFunctions>(of type: Generated.Type) -> [_BridgeDistributedFunction<Act>] {
        // `Generated` is `Act`, which the generic signature cannot say; once per type.
        Generated._bridgeDistributedFunctions as! [_BridgeDistributedFunction<Act>]
    }

    /// What to do with a call to `target`.
    enum Lookup {
        case function(_BridgeDistributedFunction<Act>)
        /// Not known yet: run it through `executeDistributedTarget`, and `learn` from it.
        case unknown
        /// Run it through `executeDistributedTarget`.
        case noFunction
    }

    func lookup(_ target: DistributedTarget) -> Lookup {
        switch learned.withLock({ $0[target] }) {
        case .none: .unknown
        case .some(.none): .noFunction
        case .some(.some(let index)): .function(functions[index])
        }
    }

    /// The names of the functions that calls have been matched to, for tests.
    var matchedNames: [String] {
        learned.withLock { $0.values.compactMap { $0.map { functions[$0].name } } }.sorted()
    }

    /// Notes which function `target` is, from a call that returned.
    func learn(_ target: DistributedTarget, argumentTypes: [ObjectIdentifier], resultType: ObjectIdentifier) {
        // The actor's own function, `Module.Indexer.count(in:)`: not one of the same name and
        // types that a protocol's extension declares, whose target names the protocol.
        let description = RemoteCallTarget(target.identifier).description
        let index = functions.firstIndex { function in
            description == typeName + "." + function.name
                && function.argumentTypes == argumentTypes && function.resultType == resultType
        }
        learned.withLock { $0[target.owned] = .some(index) }
    }
}
