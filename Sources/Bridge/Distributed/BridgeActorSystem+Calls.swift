import Distributed

extension BridgeActorSystem {
    /// Sends a call to the actor's process and returns its result.
    ///
    /// A bridge call underneath: from the parent, on the actor's host's connection; from a
    /// host, on its side channel to the parent's `ActorEndpoint`, which runs it or passes it on
    /// to the actor's host. So cancellation, `callTimeout`, and a host's death end the wait as
    /// they end an ordinary bridged call's.
    ///
    /// This and the functions a call passes through on either side run on their caller's
    /// executor (`nonisolated(nonsending)`): the runtime checks the executor at every entry to
    /// and return from an async function that is not, which under a task executor preference
    /// (a host's) takes the task's status lock; 19 such checks in a call became 10.
    nonisolated(nonsending) public func remoteCall<Act: DistributedActor, Err: Error, Res: Codable>(
        on actor: Act, target: RemoteCallTarget, invocation: inout InvocationEncoder,
        throwing: Err.Type, returning: Res.Type
    ) async throws -> Res where Act.ID == ActorID {
        defer { invocation.recycle() }
        return try await send(to: actor.id, target: target, invocation: invocation) { reader in
            // In place: a copy of the reader cost the call retains of all it holds.
            reader.resolveActors(in: self)
            return try reader.decode(Res.self)
        }
    }

    /// Sends a call to a function that returns nothing, and waits for it to return.
    nonisolated(nonsending) public func remoteCallVoid<Act: DistributedActor, Err: Error>(
        on actor: Act, target: RemoteCallTarget, invocation: inout InvocationEncoder, throwing: Err.Type
    ) async throws where Act.ID == ActorID {
        defer { invocation.recycle() }
        try await send(to: actor.id, target: target, invocation: invocation) { _ in }
    }

    nonisolated(nonsending) private func send<Result>(
        to id: ActorID, target: RemoteCallTarget, invocation: InvocationEncoder,
        result: (inout _WireReader) throws -> Result
    ) async throws -> Result {
        let call = DistributedCall(
            recipient: id, target: DistributedTarget(target.identifier), genericSubstitutions: invocation.genericSubstitutions,
            argumentCount: invocation.argumentCount)
        let arguments = invocation.arguments.bytes[...]
        let descriptors = invocation.arguments.descriptors
        do {
            let route = try route(to: id, calling: target)
            return try await route.connection.call(
                route.interface, route.method, on: route.object,
                arguments: { frame in
                    try call.write(arguments: arguments, to: &frame)
                    // The frame's own fields carry none, so the arguments' indices hold in it.
                    if let descriptors, descriptors.count > 0 { frame.descriptors = descriptors }
                },
                result: result,
                // Named as the user called it, not as the bridge's method that carries it; the
                // name is demangled, so only when someone listens.
                reportedAs: route.connection.reportsCalls ? .named(target.description) : .signature)
        } catch let error as BridgeError {
            // Every bridge method that carries a distributed call, the host's and the parent's
            // endpoint's, has this signature: an error of a call passed on between hosts names
            // it too, and so does one thrown before the call was sent.
            throw error.naming(target, carriedBy: ActorHostClient.invokeSignature)
        }
    }

    /// Where a call to an actor of another process goes.
    private struct Route {
        var connection: _BridgeConnection
        var interface: _BridgeInterfaceDescription
        var method: Int
        var object: _BridgeRemoteObject
    }

    /// - Parameter target: The function called, for the error when there is no route.
    private func route(to id: ActorID, calling target: @autoclosure () -> RemoteCallTarget) throws -> Route {
        if let hosts {
            guard let link = hosts.link(id.host) else { throw BridgeError.actorHostStopped(id, calling: target().description) }
            return Route(connection: link.connection, interface: ActorHostClient._bridgeInterface, method: ActorHostClient.invoke, object: .root)
        }
        guard let parent = parent.withLock({ $0 }) else { throw BridgeError.parentGone(method: ActorEndpointClient.invokeSignature) }
        return Route(connection: parent.connection, interface: ActorEndpointClient._bridgeInterface, method: ActorEndpointClient.invoke, object: parent.object)
    }

    /// Runs a call that arrived from another process: a target that ran here before by its
    /// generated function, directly (`LocalActors.direct(_:)`), any other through `handle`.
    ///
    /// Inlined into the bridge method that takes the call, as the direct path has no async
    /// function of its own: each async layer cost a call a frame of the task allocator and,
    /// under a host's task executor preference, a lock of the task's status (the runtime's hop
    /// back after an await), which made this path slower than `handle`'s layers saved.
    /// - Parameter arguments: At the call's first argument.
    @inline(__always)
    nonisolated(nonsending) func run(_ call: DistributedCall, arguments: inout _WireReader, into result: inout _WireWriter) async throws {
        if let direct = direct(call, arguments: &arguments) {
            try await direct.function(direct.actor, &arguments, &result)
        } else {
            try await handle(call, arguments: arguments, into: &result)
        }
    }

    /// The generated function that runs a call when its target ran here before; `arguments`
    /// then resolve actors in this system. Nil for `handle`.
    private func direct(_ call: DistributedCall, arguments: inout _WireReader) -> DirectCall? {
        guard call.recipient.system == systemNumber, call.recipient.host == number, let direct = local.direct(call) else { return nil }
        arguments.resolveActors(in: self)
        return direct
    }

    /// Runs a call that arrived from another process: on an actor of this one, or, in the
    /// parent, by passing it on to the host it is for; and writes what it returned to `result`
    /// (its open files included).
    /// - Parameter arguments: At the call's first argument.
    nonisolated(nonsending) func handle(_ call: DistributedCall, arguments: _WireReader, into result: inout _WireWriter) async throws {
        guard call.recipient.system == systemNumber else { throw BridgeError.actorOfAnotherSystem(call.recipient, system: systemNumber) }
        if call.recipient.host == number {
            var arguments = arguments
            arguments.resolveActors(in: self)
            return try await local.execute(call, arguments: arguments, system: self, into: &result)
        }
        guard hosts != nil else { throw BridgeError.actorNotFound(call.recipient, in: processDescription) }
        // From one host to another: the arguments go on as they came, and so does the result,
        // the open files each carries included.
        let route = try route(to: call.recipient, calling: RemoteCallTarget(call.target.identifier))
        var rest = arguments
        let raw = rest.readRemainingBytes()
        let descriptors = rest.descriptors
        let reply = try await route.connection.call(
            route.interface, route.method, on: route.object,
            arguments: { frame in
                try call.write(arguments: raw, to: &frame)
                if let descriptors, descriptors.count > 0 { frame.descriptors = descriptors }
            },
            result: { DistributedReply(bytes: Array($0.readRemainingBytes()), descriptors: $0.descriptors) },
            reportedAs: route.connection.reportsCalls ? .named(RemoteCallTarget(call.target.identifier).description) : .signature)
        reply.write(to: &result)
    }

    /// In a host: keeps the parent's endpoint, through which calls to actors elsewhere go.
    func attach(parent endpoint: ActorEndpointClient) {
        parent.withLock { $0 = endpoint }
    }
}
