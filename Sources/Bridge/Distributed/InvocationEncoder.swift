import Distributed

extension BridgeActorSystem {
    /// Records a remote call's arguments with the bridge's binary codec, as the `Distributed`
    /// runtime hands them over.
    public struct InvocationEncoder: DistributedTargetInvocationEncoder {
        /// What `SerializationRequirement` the actor system has.
        public typealias SerializationRequirement = any Codable

        /// The arguments, encoded back to back; the open files among them
        /// (`BridgeFileDescriptor`) travel beside the call's frame.
        var arguments = _WireWriter()
        var argumentCount = 0
        var genericSubstitutions: [String] = []

        init() {
            arguments.carriesDescriptors = true
        }

        /// Records a generic substitution by its mangled name, which the host looks up in its
        /// own binary.
        public mutating func recordGenericSubstitution<T>(_ type: T.Type) throws {
            guard let name = _mangledTypeName(T.self) else {
                throw BridgeError(code: .malformedMessage, message: "the generic argument \(T.self) of a distributed call has no mangled name, so no host could find it")
            }
            genericSubstitutions.append(name)
        }

        /// Encodes an argument.
        public mutating func recordArgument<Value: Codable>(_ argument: RemoteCallArgument<Value>) throws {
            try arguments.encode(argument.value)
            argumentCount += 1
        }

        /// Not needed: the host finds the error type in the target's own signature.
        public mutating func recordErrorType<E: Error>(_ type: E.Type) throws {}

        /// Not needed: the caller decodes the result as the type it expects.
        public mutating func recordReturnType<R: Codable>(_ type: R.Type) throws {}

        /// Nothing left to do: the arguments are ready to be sent.
        public mutating func doneRecording() throws {}

        /// Gives the arguments' storage back for the thread's next frame (`FrameStorage`), once
        /// the call has been sent.
        mutating func recycle() {
            FrameStorage.keep(arguments.takeBytes())
        }
    }
}
