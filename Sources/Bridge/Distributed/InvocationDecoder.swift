import Distributed

extension BridgeActorSystem {
    /// Reads a remote call's arguments in the process that runs it, straight from the frame
    /// they arrived in.
    public struct InvocationDecoder: DistributedTargetInvocationDecoder {
        /// What `SerializationRequirement` the actor system has.
        public typealias SerializationRequirement = any Codable

        private var reader: _WireReader
        private let genericSubstitutions: [String]
        /// The types of the arguments decoded, when noted for `DistributedFunctionTable`.
        var decodedTypes: [ObjectIdentifier]?

        /// - Parameter reader: At the call's first argument; its decoder's `userInfo` carries
        ///   the actor system, so that actors among the arguments resolve.
        init(reader: _WireReader, call: DistributedCall) {
            self.reader = reader
            self.genericSubstitutions = call.genericSubstitutions
        }

        /// The generic substitutions, looked up by mangled name in this binary.
        public mutating func decodeGenericSubstitutions() throws -> [Any.Type] {
            try genericSubstitutions.map { name in
                guard let type = _typeByName(name) else {
                    throw BridgeError(code: .interfaceMismatch, message: "a distributed call names the type '\(name)', which this process does not have; build the host from the same source as the caller")
                }
                return type
            }
        }

        /// Decodes the next argument.
        public mutating func decodeNextArgument<Argument: Codable>() throws -> Argument {
            decodedTypes?.append(ObjectIdentifier(Argument.self))
            return try reader.decode(Argument.self)
        }

        /// Not sent: the target's signature has it.
        public mutating func decodeErrorType() throws -> Any.Type? { nil }

        /// Not sent: the target's signature has it.
        public mutating func decodeReturnType() throws -> Any.Type? { nil }
    }
}
