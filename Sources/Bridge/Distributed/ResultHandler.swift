import Distributed

extension BridgeActorSystem {
    /// Takes what a distributed function returned or threw in the process that ran it, for the
    /// reply.
    public final class ResultHandler: DistributedTargetInvocationResultHandler, @unchecked Sendable {
        // Unchecked: `executeDistributedTarget` calls exactly one of the `on` methods, once,
        // before it returns, and only then does the owner read `outcome`.

        /// What `SerializationRequirement` the actor system has.
        public typealias SerializationRequirement = any Codable

        private var outcome: Result<DistributedReply, any Error> = .success(DistributedReply())
        /// The type returned, `Void` for none; nil until the function returns.
        private(set) var resultType: ObjectIdentifier?

        init() {}

        /// Encodes the value the function returned.
        public func onReturn<Success: Codable>(value: Success) async throws {
            resultType = ObjectIdentifier(Success.self)
            var writer = _WireWriter()
            writer.carriesDescriptors = true
            do {
                try writer.encode(value)
                outcome = .success(DistributedReply(bytes: writer.bytes, descriptors: writer.descriptors))
            } catch {
                outcome = .failure(error)
            }
        }

        /// A function that returns nothing: no bytes.
        public func onReturnVoid() async throws {
            resultType = ObjectIdentifier(Void.self)
            outcome = .success(DistributedReply())
        }

        /// Keeps the error for the reply, where the bridge sends it as itself when it is
        /// `Codable` (and as `BridgeError` with its type and description otherwise).
        public func onThrow<Err: Error>(error: Err) async throws {
            outcome = .failure(error)
        }

        /// The encoded result; throws what the function threw.
        func result() throws -> DistributedReply { try outcome.get() }
    }
}
