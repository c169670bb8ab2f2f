import Distributed

/// The parent's side of its hosts' calls: passed to each actor host when it starts (as a
/// bridge callback object), it runs the calls a host makes to actors in the parent, and passes
/// on the calls a host makes to actors of another host.
///
/// Two hosts talk through the parent, never directly: a host holds one connection, to its
/// parent, and no descriptor of another host reaches it (a host running as `nobody` gets no way
/// to reach a root host that the parent did not give it). The price is one more hop per call.
final class ActorEndpoint: Sendable {
    /// Weak: the system holds its hosts, whose connections hold this endpoint while the host
    /// holds its client.
    private let system: WeakSystem

    init(_ system: BridgeActorSystem) { self.system = WeakSystem(system) }

    /// The endpoint as a bridge callback object.
    var export: _BridgeExport {
        _BridgeExport(self, Self.methods, ActorEndpointClient._bridgeInterface)
    }

    private static var methods: [_BridgeMethod<ActorEndpoint>] {
        [
            _BridgeMethod(ActorEndpointClient.invokeSignature, inPlace: { endpoint, arguments, result in
                guard let system = unsafeDowncast(endpoint, to: ActorEndpoint.self).system.value else { throw BridgeError.stopped(method: ActorEndpointClient.invokeSignature) }
                let call = try DistributedCall.read(from: &arguments)
                try await system.run(call, arguments: &arguments, into: &result)
            }),
        ]
    }
}

/// A weak reference that can be shared between threads.
private final class WeakSystem: @unchecked Sendable {
    // Unchecked: written once, in init; weak loads are atomic.
    weak var value: BridgeActorSystem?
    init(_ value: BridgeActorSystem) { self.value = value }
}

/// A host's client for its parent's `ActorEndpoint`.
struct ActorEndpointClient: _BridgeClient {
    /// The host's own, so that an error of a call passed on between hosts names the method
    /// the calling host knows (`BridgeError.naming(_:carriedBy:)`).
    static let invokeSignature = ActorHostClient.invokeSignature
    static let invoke = 0

    static let _bridgeInterface = _BridgeInterfaceDescription(name: "BridgeActorSystem.ActorEndpoint", signatures: [invokeSignature])

    let connection: _BridgeConnection
    let object: _BridgeRemoteObject

    init(_connection: _BridgeConnection, _object: _BridgeRemoteObject) {
        connection = _connection
        object = _object
    }
}
