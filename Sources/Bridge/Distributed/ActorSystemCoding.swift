import Distributed
import Synchronization

/// What the codec hands to `Decodable` values while a distributed call's arguments or result
/// are decoded: the actor system under `actorSystemKey`, as `DistributedActor.init(from:)`
/// needs it to resolve an actor passed by id, and the connection's object source, as before.
///
/// Made once per source it wraps (`ActorSystemCodings`), not per call.
final class ActorSystemCoding: WireObjectSource, WireUserInfoSource {
    /// Unowned: the system keeps its codings, and a reader that uses one lives only while the
    /// system decodes.
    unowned let system: BridgeActorSystem
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

/// A system's `ActorSystemCoding`s, one per object source they wrap: one made for each call
/// cost the call an allocation. A process has one or two such sources (none in the parent, the
/// side channel in a host); a few are kept.
///
/// The first one made is found without the lock: it is the source of nearly every call (the
/// parent's replies, or a host's calls from its parent), and the lock and the search cost a
/// distributed call as much as the rest of its decoding.
final class ActorSystemCodings: Sendable {
    private static let kept = 4
    private let first = AtomicLazyReference<ActorSystemCoding>()
    private let made = Locked<[ActorSystemCoding]>([])

    /// The coding of `system` that wraps `inner`.
    func coding(of system: BridgeActorSystem, wrapping inner: (any WireObjectSource)?) -> ActorSystemCoding {
        if let first = first.load(), first.inner === inner { return first }
        return made.withLock { made in
            if let known = made.first(where: { $0.inner === inner }) { return known }
            let coding = first.storeIfNil(ActorSystemCoding(system, inner: inner))
            if coding.inner === inner { return coding }
            let other = ActorSystemCoding(system, inner: inner)
            if made.count == Self.kept { made.removeFirst() }
            made.append(other)
            return other
        }
    }
}

extension _WireReader {
    /// Puts `system` in its decoders' `userInfo`.
    mutating func resolveActors(in system: BridgeActorSystem) {
        objectSource = system.codings.coding(of: system, wrapping: objectSource)
    }
}
