import Distributed

/// A distributed actor whose distributed functions a host can call without
/// `executeDistributedTarget`: the `BridgeGen` plugin generates this conformance for the
/// distributed actors of a target. Not for use by hand.
///
/// `executeDistributedTarget` demangles the target's name three times for every call (its
/// parameter count, parameter types and result type), which cost a distributed call more than
/// the rest of the host's work together. A generated function decodes its arguments and calls
/// the actor directly. Which target a function is, the host learns from the first call that
/// runs through `executeDistributedTarget`: by its name and the types it decoded and returned
/// (`DistributedFunctionTable`).
public protocol _BridgeDistributedFunctions: DistributedActor {
    /// The actor's distributed functions that are not generic.
    static var _bridgeDistributedFunctions: [_BridgeDistributedFunction<Self>] { get }
}

/// One distributed function of a generated `_BridgeDistributedFunctions` table.
public struct _BridgeDistributedFunction<Act: DistributedActor>: Sendable {
    /// The function, its actor type erased: the table a host keeps is not generic over it.
    let function: DistributedFunctionTable.Function

    /// - Parameters:
    ///   - name: The base name with argument labels: `count(in:)`.
    ///   - arguments: The parameters' types, in order.
    ///   - returns: The result type; `Void.self` for none.
    ///   - invoke: Decodes the arguments, calls the actor, and encodes what it returned. It
    ///     takes the actor as an object, an `Act` (`_bridgeDistributedActor(_:as:)` casts it
    ///     back): a wrapper that cast it first cost every call an async frame and a hop.
    public init(
        _ name: String, arguments: [Any.Type], returns: Any.Type,
        _ invoke: nonisolated(nonsending) @escaping @Sendable (AnyObject, inout _WireReader, inout _WireWriter) async throws -> Void
    ) {
        function = DistributedFunctionTable.Function(
            name: name, argumentTypes: arguments.map { ObjectIdentifier($0) }, resultType: ObjectIdentifier(returns), invoke: invoke)
    }
}

/// The actor a generated distributed function was called on, as its own type: a host calls a
/// function of `_BridgeDistributedFunctions` only on an actor of the type whose table holds it.
/// Checked all the same (one load and a comparison), so that a mistake there traps rather
/// than runs one type's code on another's memory in a release build.
@inlinable
public func _bridgeDistributedActor<Act: DistributedActor>(_ object: AnyObject, as type: Act.Type) -> Act {
    precondition(
        ObjectIdentifier(Swift.type(of: object)) == ObjectIdentifier(Act.self),
        "a distributed function of \(Act.self) was called on a \(Swift.type(of: object))")
    return unsafeDowncast(object, to: Act.self)
}

/// A generated distributed function (`DistributedFunctionTable.Function.invoke`): the actor goes
/// in as an object, which must be of the function's actor type.
typealias ErasedDistributedFunction = nonisolated(nonsending) @Sendable (AnyObject, inout _WireReader, inout _WireWriter) async throws -> Void

/// Decodes a distributed function's argument, for generated code.
public func _bridgeDistributedArgument<Value: Decodable>(_ reader: inout _WireReader, as type: Value.Type) throws -> Value {
    try reader.decode(Value.self)
}

/// For an actor whose system does not ask for `Codable` arguments: such an actor's calls never
/// take this path, but its generated table must compile.
@_disfavoredOverload
public func _bridgeDistributedArgument<Value>(_ reader: inout _WireReader, as type: Value.Type) throws -> Value {
    throw BridgeError(code: .interfaceMismatch, message: "\(Value.self) is not Decodable, so a BridgeActorSystem call cannot carry it")
}

/// Encodes a distributed function's result, for generated code.
public func _bridgeDistributedResult<Value: Encodable>(_ value: Value, into writer: inout _WireWriter) throws {
    try writer.encode(value)
}

/// See the other `_bridgeDistributedArgument`.
@_disfavoredOverload
public func _bridgeDistributedResult<Value>(_ value: Value, into writer: inout _WireWriter) throws {
    throw BridgeError(code: .interfaceMismatch, message: "\(Value.self) is not Encodable, so a BridgeActorSystem call cannot carry it")
}
