import Synchronization
import Distributed

/// A `DistributedActorSystem` whose actors live in host processes that this process starts:
/// Swift's own remote-call model, on one machine, with the bridge's isolation (another user,
/// limits, a working directory of its own) around each actor.
///
/// ```swift
/// import Bridge
/// import Distributed
///
/// distributed actor Indexer {
///     typealias ActorSystem = BridgeActorSystem
///     distributed func count(in directory: String) async throws -> Int { ... }
/// }
///
/// let system = BridgeActorSystem()
/// let indexer = try await system.start(Indexer.self, options: .init(user: "nobody"))
/// let n = try await indexer.count(in: "/srv")    // runs in the host
/// await system.stop(indexer)
/// await system.shutdown()
/// ```
///
/// Arguments and results are `Codable` and travel in the bridge's binary encoding. An error a
/// distributed function throws arrives as itself when its type is `Codable`, otherwise as
/// ``BridgeError`` (``BridgeError/Code-swift.struct/remoteError``) with its type and
/// description. A distributed actor passed as an argument or returned arrives as a remote
/// reference to the original, in either direction; calls between two hosts go through the
/// parent. Cancelling the calling task cancels the remote call; a call waits at most
/// `BridgeOptions.callTimeout`; a host that dies fails the calls to its actors with
/// ``BridgeError/Code-swift.struct/hostExited``, and a stopped host's with
/// ``BridgeError/Code-swift.struct/stopped``.
///
/// Create one in the parent with ``init()``. Each host has a system of its own, which the actor
/// it was started for receives as `actorSystem`; actors that actor creates live in that host.
public final class BridgeActorSystem: DistributedActorSystem, Sendable {
    /// Arguments, results and errors must be `Codable`.
    public typealias SerializationRequirement = any Codable

    /// This process's number: 0 in the parent, the host's number in a host.
    let number: UInt32
    /// The system's number among the parent's systems (`ActorID.system`), which its hosts
    /// share.
    let systemNumber: UInt32
    /// The number of the parent's next system.
    private static let nextSystemNumber = Atomic<UInt32>(1)
    /// The distributed actors that live in this process.
    let local = LocalActors()
    /// What readers of calls and results decode with, so that actors passed resolve here.
    let codings = ActorSystemCodings()
    /// The hosts this system started; nil in a host, which starts none.
    let hosts: ActorHosts?
    /// In a host: the parent's endpoint, once the parent has attached.
    let parent = Locked<ActorEndpointClient?>(nil)

    /// Creates a system in the parent process; ``start(_:options:)`` starts hosts for it.
    public init() {
        number = 0
        systemNumber = Self.nextSystemNumber.add(1, ordering: .relaxed).oldValue
        hosts = ActorHosts()
    }

    /// Creates the system of host `hostNumber`, of the parent's system `systemNumber`.
    init(hostNumber: UInt32, systemNumber: UInt32) {
        number = hostNumber
        self.systemNumber = systemNumber
        hosts = nil
    }

    deinit {
        // As a `Bridge` that is released: the hosts see their sockets close and exit.
        for link in hosts?.removeAll() ?? [] { link.disconnect() }
    }

    /// The distributed functions of `type` that calls from other processes reach directly here,
    /// through its generated table (`_BridgeDistributedFunctions`): for tests.
    package func directlyCalledFunctions<Act: DistributedActor>(of type: Act.Type) -> [String] {
        local.directlyCalledFunctions(of: type)
    }

    /// This process, for messages.
    var processDescription: String { number == 0 ? "the parent process" : "actor host \(number)" }

    // MARK: DistributedActorSystem

    /// The actor `id` names, if it lives in this process; nil for an actor elsewhere, for which
    /// the runtime then makes a remote reference.
    /// - Throws: ``BridgeError`` when `id` names an actor of this process that no longer lives,
    ///   or is not an `Act`, or one of another system, whose hosts this one cannot reach.
    public func resolve<Act: DistributedActor>(id: ActorID, as actorType: Act.Type) throws -> Act? where Act.ID == ActorID {
        guard id.system == systemNumber else { throw BridgeError.actorOfAnotherSystem(id, system: systemNumber) }
        guard id.host == number else { return nil }
        return try local.find(id, as: Act.self, in: processDescription)
    }

    /// A fresh id in this process, for an actor being created.
    public func assignID<Act: DistributedActor>(_ actorType: Act.Type) -> ActorID where Act.ID == ActorID {
        ActorID(system: systemNumber, host: number, actor: local.assign())
    }

    /// Makes a new actor reachable from other processes.
    public func actorReady<Act: DistributedActor>(_ actor: Act) where Act.ID == ActorID {
        local.add(actor)
    }

    /// Forgets an actor that went away.
    public func resignID(_ id: ActorID) {
        if id.system == systemNumber, id.host == number { local.remove(id.actor) }
    }

    /// An encoder for one remote call's arguments.
    public func makeInvocationEncoder() -> InvocationEncoder { InvocationEncoder() }
}
