import Distributed

/// What the codec hands to `Decodable` values while a distributed call's arguments or result
/// are decoded: the actor system under `actorSystemKey`, as `DistributedActor.init(from:)`
/// needs it to resolve an actor passed by id, and the connection's object source, as before.
final class ActorSystemCoding: WireObjectSource, WireUserInfoSource {
    let system: BridgeActorSystem
    let inner: (any WireObjectSource)?

    init(_ system: BridgeActorSystem, inner: (any WireObjectSource)?) {
        self.system = system
        self.inner = inner
    }

    func client<Client: _BridgeClient>(_ type: Client.Type, objectID: UInt32) -> Client {
        guard let inner else {
            preconditionFailure("a bridged object (\(Client.self)) cannot be passed in a distributed call; pass a distributed actor instead")
        }
        return inner.client(type, objectID: objectID)
    }

    var wireUserInfo: [CodingUserInfoKey: Any] {
        var info: [CodingUserInfoKey: Any] = [.actorSystemKey: system]
        if let inner { info[.bridgeObjectSource] = inner }
        return info
    }
}

extension _WireReader {
    /// The reader, with `system` in its decoders' `userInfo`.
    func resolvingActors(in system: BridgeActorSystem) -> _WireReader {
        var reader = self
        reader.objectSource = ActorSystemCoding(system, inner: objectSource)
        return reader
    }
}
