import Distributed

/// An actor system that sends nothing: `remoteCall` returns the call's argument.
final class NullActorSystem: DistributedActorSystem, @unchecked Sendable {
    // Unchecked: it has no state.
    typealias ActorID = Int
    typealias SerializationRequirement = Codable
    typealias InvocationDecoder = NullInvocationDecoder
    typealias ResultHandler = NullResultHandler

    struct InvocationEncoder: DistributedTargetInvocationEncoder {
        typealias SerializationRequirement = Codable
        /// The last argument, as it was: the result of the echo.
        var argument: Any?
        mutating func recordGenericSubstitution<T>(_ type: T.Type) throws {}
        mutating func recordArgument<Value: Codable>(_ argument: RemoteCallArgument<Value>) throws { self.argument = argument.value }
        mutating func recordErrorType<E: Error>(_ type: E.Type) throws {}
        mutating func recordReturnType<R: Codable>(_ type: R.Type) throws {}
        mutating func doneRecording() throws {}
    }

    func resolve<Act: DistributedActor>(id: Int, as actorType: Act.Type) throws -> Act? where Act.ID == Int { nil }
    func assignID<Act: DistributedActor>(_ actorType: Act.Type) -> Int where Act.ID == Int { 0 }
    func actorReady<Act: DistributedActor>(_ actor: Act) where Act.ID == Int {}
    func resignID(_ id: Int) {}
    func makeInvocationEncoder() -> InvocationEncoder { InvocationEncoder() }

    func remoteCall<Act: DistributedActor, Err: Error, Res: Codable>(
        on actor: Act, target: RemoteCallTarget, invocation: inout InvocationEncoder, throwing: Err.Type, returning: Res.Type
    ) async throws -> Res where Act.ID == Int {
        invocation.argument as! Res
    }

    func remoteCallVoid<Act: DistributedActor, Err: Error>(
        on actor: Act, target: RemoteCallTarget, invocation: inout InvocationEncoder, throwing: Err.Type
    ) async throws where Act.ID == Int {}
}

/// Never used: the null system runs no calls.
struct NullInvocationDecoder: DistributedTargetInvocationDecoder {
    typealias SerializationRequirement = Codable
    mutating func decodeGenericSubstitutions() throws -> [Any.Type] { [] }
    mutating func decodeNextArgument<Argument: Codable>() throws -> Argument { fatalError("the null system runs no calls") }
    mutating func decodeErrorType() throws -> Any.Type? { nil }
    mutating func decodeReturnType() throws -> Any.Type? { nil }
}

/// Never used: the null system runs no calls.
struct NullResultHandler: DistributedTargetInvocationResultHandler {
    typealias SerializationRequirement = Codable
    func onReturn<Success: Codable>(value: Success) async throws {}
    func onReturnVoid() async throws {}
    func onThrow<Err: Error>(error: Err) async throws {}
}
