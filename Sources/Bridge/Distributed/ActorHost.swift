import Distributed

/// What an actor host serves: the real object of a bridge started by
/// ``BridgeActorSystem/start(_:options:)``. It creates the distributed actor the parent named,
/// holds it for the host's life, and runs the distributed calls that arrive for it (and for
/// other actors of this host) through `executeDistributedTarget`.
///
/// An ordinary bridge host underneath: the hello, the options applied before the actor exists,
/// cancellation, replies and errors are the bridge's own. Calls run concurrently
/// (`BridgeConcurrentCalls`): the actor serializes them itself, and a call that calls back into
/// the parent while another arrives must not hold the host up.
final class ActorHost: _BridgeServable, BridgeConcurrentCalls, StartsCallsInPlace, BridgeLifecycle {
    typealias BridgeClient = ActorHostClient

    let system: BridgeActorSystem
    /// The actor the host was started for; held here, so that it lives as long as its host.
    let root: any DistributedActor
    let rootID: BridgeActorSystem.ActorID

    private init(system: BridgeActorSystem, root: any DistributedActor, rootID: BridgeActorSystem.ActorID) {
        self.system = system
        self.root = root
        self.rootID = rootID
    }

    /// Finds the actor type the configuration names and creates it; runs in the host after
    /// `HostPreparation` (user, limits, working directory), before the welcome.
    static func _bridgeCreate(configuration: [UInt8]?) throws -> ActorHost {
        guard let configuration else { throw BridgeError.startFailed("an actor host was started without its configuration") }
        var reader = _WireReader(bytes: configuration)
        let settings = try reader.decode(ActorHostConfiguration.self)
        guard let type = ActorTypeLookup.hostable(named: settings.actorType) else {
            throw BridgeError.startFailed(
                "this host executable has no distributed actor type '\(settings.actorTypeName)' that conforms to BridgeActorHostable; build it from the same source as the caller, with the BridgeGen plugin")
        }
        let system = BridgeActorSystem(hostNumber: settings.host, systemNumber: settings.system)
        let (root, id) = try create(type, in: system)
        return ActorHost(system: system, root: root, rootID: id)
    }

    private static func create<Act: BridgeActorHostable>(
        _ type: Act.Type, in system: BridgeActorSystem
    ) throws -> (any DistributedActor, BridgeActorSystem.ActorID) {
        guard let typedSystem = system as? Act.ActorSystem else {
            throw BridgeError.startFailed("\(String(reflecting: Act.self)) does not use BridgeActorSystem as its ActorSystem, so a host cannot create it")
        }
        let actor = Act(actorSystem: typedSystem)
        // `Act.ID` is `ActorID` (its system is this one), which the generic signature cannot say.
        return (actor, actor.id as! BridgeActorSystem.ActorID)
    }

    func bridgeDidStart() async throws {
        if let lifecycle = root as? any BridgeActorLifecycle { try await lifecycle.runStartHook() }
    }

    func bridgeWillStop() async {
        if let lifecycle = root as? any BridgeActorLifecycle { await lifecycle.runStopHook() }
    }

    static var _bridgeMethods: [_BridgeMethod<ActorHost>] {
        [
            _BridgeMethod(ActorHostClient.invokeSignature, inPlace: { host, arguments, result in
                let call = try DistributedCall.read(from: &arguments)
                try await unsafeDowncast(host, to: ActorHost.self).system.run(call, arguments: &arguments, into: &result)
            }),
            _BridgeMethod(ActorHostClient.attachSignature) { host, arguments, result in
                host.system.attach(parent: try arguments.decodeObject(ActorEndpointClient.self))
                try result.encode(host.rootID.host)
                try result.encode(host.rootID.actor)
            },
        ]
    }
}

/// What the parent tells an actor host in its hello, besides the options.
struct ActorHostConfiguration: Codable, Sendable {
    /// The actor type's mangled name (or `Module.Type`).
    var actorType: String
    /// The actor type's name for people.
    var actorTypeName: String
    /// The host's number in the parent's system: the `host` of every id it assigns.
    var host: UInt32
    /// The parent's system's number: the `system` of every id.
    var system: UInt32
}

/// The parent's view of an actor host's interface, for the handshake. The parent calls the host
/// through its connection directly; this type exists because a bridge's real type names one.
struct ActorHostClient: _BridgeClient {
    static let invokeSignature = "invoke(_:DistributedCall) async throws -> DistributedReply"
    static let attachSignature = "attach(parent:any ActorEndpoint) async throws -> ActorID"
    static let invoke = 0
    static let attach = 1

    static let _bridgeInterface = _BridgeInterfaceDescription(name: "BridgeActorSystem.ActorHost", signatures: [
        invokeSignature, attachSignature,
    ])

    init(_connection: _BridgeConnection, _object: _BridgeRemoteObject) {}
}
