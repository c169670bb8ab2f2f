import Distributed

/// What the `Distributed` runtime itself costs a remote call, with nothing sent: the floor
/// under any actor system's call, which shows how much of a `BridgeActorSystem` call beyond a
/// plain bridged call is the runtime's and how much the bridge's.
///
/// A call to a remote reference of an actor whose system does nothing: the compiler's thunk,
/// the invocation encoder's calls, `remoteCall` and its result, as `BridgeActorSystem` sees
/// them, in one process. The argument is kept as it is (no encoding) and handed back as the
/// result. Beside it, the hop an actor host makes for every call: to a local actor from a
/// task and back.
enum DistributedRuntimeFloor {
    /// Nanoseconds per call: the best of several batches, each timed as a whole (a clock read
    /// costs about as much as the call).
    static func measure() async throws -> (remoteCall: Double, actorHop: Double) {
        let system = NullActorSystem()
        let remote = try NullEcho.resolve(id: 1, using: system)
        let local = LocalActor()
        let remoteCall = try await best { try await remote.echo(smallText) }
        let actorHop = try await best { await local.echo(smallText) }
        return (remoteCall, actorHop)
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

/// An actor whose calls the host makes as it makes a distributed actor's: from a task, with a
/// hop to the actor and back.
private actor LocalActor {
    func echo(_ text: String) -> String { text }
}

/// Only ever a remote reference: its calls go to `NullActorSystem.remoteCall`.
distributed actor NullEcho {
    typealias ActorSystem = NullActorSystem
    distributed func echo(_ text: String) -> String { text }
}

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
