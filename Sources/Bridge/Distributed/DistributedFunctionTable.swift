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
///
/// Not generic over the actor type: a host's code does not know the type, and every use of a
/// type generic over it looked up its metadata at run time, per call.
final class DistributedFunctionTable: Sendable {
    /// One generated function (`_BridgeDistributedFunction`), its actor type erased.
    struct Function: Sendable {
        /// `count(in:)`: the base name and argument labels, as `RemoteCallTarget.description` ends.
        let name: String
        let argumentTypes: [ObjectIdentifier]
        let resultType: ObjectIdentifier
        /// Decodes the arguments, calls the actor, and encodes what it returned.
        let invoke: ErasedDistributedFunction
    }

    private let functions: [Function]
    /// `Module.Indexer`, as a target's description names the actor type.
    private let typeName: String
    /// By target: the function's index in `functions`, or nil when none is the target.
    private let learned = Locked(TargetIndex<Int?>())

    private init(_ functions: [Function], typeName: String) {
        self.functions = functions
        self.typeName = typeName
    }

    /// The table of `Act`, when the generator made one.
    static func of<Act: DistributedActor>(_ type: Act.Type) -> DistributedFunctionTable? {
        guard let generated = Act.self as? any _BridgeDistributedFunctions.Type else { return nil }
        return DistributedFunctionTable(functions(of: generated), typeName: String(reflecting: Act.self))
    }

    private static func functions<Generated: _BridgeDistributedFunctions>(of type: Generated.Type) -> [Function] {
        Generated._bridgeDistributedFunctions.map(\.function)
    }

    /// What to do with a call to `target`.
    enum Lookup {
        case function(ErasedDistributedFunction)
        /// Not known yet: run it through `executeDistributedTarget`, and `learn` from it.
        case unknown
        /// Run it through `executeDistributedTarget`.
        case noFunction
    }

    func lookup(_ target: DistributedTarget) -> Lookup {
        let found: Int?? = target.withUnsafeBytes { name in learned.withLock { $0.value(for: name) } }
        return switch found {
        case .none: .unknown
        case .some(.none): .noFunction
        case .some(.some(let index)): .function(functions[index].invoke)
        }
    }

    /// The names of the functions that calls have been matched to, for tests.
    var matchedNames: [String] {
        learned.withLock { $0.allValues.compactMap { $0.map { functions[$0].name } } }.sorted()
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
        target.withUnsafeBytes { name in learned.withLock { $0.set(index, for: name) } }
    }
}
