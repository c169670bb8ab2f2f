import Distributed

extension BridgeActorSystem {
    /// Starts a host process that creates a `Act` with `init(actorSystem:)`, and returns a
    /// remote reference to it.
    ///
    /// The host is this binary started again (or `options.executable`), as for `Bridge.start`.
    /// It finds `Act` in its own binary by name, applies the options (user, group, limits,
    /// working directory, confinement) before the actor exists, then creates it, runs its
    /// start hook if it conforms to ``BridgeActorLifecycle``, and serves its calls until ``stop(_:)``,
    /// ``shutdown()``, or until this system is released (then the host exits without its stop
    /// hook), or this process dies (then the host dies too).
    ///
    /// `Act` must conform to ``BridgeActorHostable``, which the `BridgeGen` plugin generates
    /// for the distributed actors of the targets it runs on. The reference returned is the one
    /// `Act.resolve(id:using:)` yields for the actor's id.
    ///
    /// - Parameters:
    ///   - actorType: The actor to create in the host.
    ///   - options: The host's options. Restarts (`restart`, `maximumCallsPerHost`,
    ///     `spareHosts`) do not apply: an actor's state and id would not survive them.
    /// - Throws: The start hook's error (as itself when it is `Codable`), or ``BridgeError``:
    ///   `.startFailed` when the host cannot be started, the type is not hostable, or this
    ///   system is shut down or belongs to a host; `.timedOut` after `options.startTimeout`;
    ///   `CancellationError`.
    public func start<Act: DistributedActor>(
        _ actorType: Act.Type, options: BridgeOptions = .init()
    ) async throws -> Act where Act.ActorSystem == BridgeActorSystem {
        guard hosts != nil else {
            throw BridgeError.startFailed("\(processDescription) cannot start hosts of its own; start them from the parent's BridgeActorSystem")
        }
        guard Act.self is any BridgeActorHostable.Type else {
            throw BridgeError.startFailed(
                "\(String(reflecting: Act.self)) does not conform to BridgeActorHostable, so a host cannot create it. A host creates the actor with 'init(actorSystem:)', one that takes the actor system alone and neither throws nor is async (an initializer with more parameters does not count, even with default values): declare one (it may call your other initializer), and the BridgeGen plugin on the actor's target conforms the actor, or write 'extension \(Act.self): BridgeActorHostable {}'")
        }
        return try await start(
            actorType: _mangledTypeName(Act.self) ?? String(reflecting: Act.self), named: String(reflecting: Act.self),
            as: Act.self, options: options)
    }

    /// Starts a host process that creates the distributed actor type named `actorTypeName` in
    /// its own binary, and returns a reference to it of type `Stub`: for a parent that does not
    /// link the actor, and calls it through a `@Resolvable` protocol's stub.
    ///
    /// ```swift
    /// @Resolvable
    /// protocol Greeting: DistributedActor where ActorSystem: DistributedActorSystem<any Codable> {
    ///     distributed func greet(_ name: String) -> String
    /// }
    ///
    /// // The host executable declares `distributed actor LocalGreeting: Greeting` in its module
    /// // `GreetingHost`; this parent links only the protocol.
    /// let greeting = try await system.start(
    ///     named: "GreetingHost.LocalGreeting", as: $Greeting<BridgeActorSystem>.self,
    ///     options: .init(executable: "greeting-host"))
    /// let text = try await greeting.greet("you")
    /// ```
    ///
    /// - Parameters:
    ///   - actorTypeName: `Module.Type` of a top-level distributed actor of the host's binary, or
    ///     its mangled name; it must conform to ``BridgeActorHostable`` there (the `BridgeGen`
    ///     plugin generates that) and use ``BridgeActorSystem``.
    ///   - stub: The type the parent calls it as: the protocol's `$Protocol` stub.
    ///   - options: As for ``start(_:options:)``.
    /// - Throws: As ``start(_:options:)``; `.startFailed` when the host has no such actor type.
    public func start<Stub: DistributedActor>(
        named actorTypeName: String, as stub: Stub.Type, options: BridgeOptions = .init()
    ) async throws -> Stub where Stub.ActorSystem == BridgeActorSystem {
        try await start(actorType: actorTypeName, named: actorTypeName, as: stub, options: options)
    }

    private func start<Act: DistributedActor>(
        actorType: String, named actorTypeName: String, as: Act.Type, options: BridgeOptions
    ) async throws -> Act where Act.ActorSystem == BridgeActorSystem {
        guard let hosts else {
            throw BridgeError.startFailed("\(processDescription) cannot start hosts of its own; start them from the parent's BridgeActorSystem")
        }
        let options = try Self.checked(options)
        let number = try hosts.reserve()
        let configuration = ActorHostConfiguration(actorType: actorType, actorTypeName: actorTypeName, host: number, system: systemNumber)
        var writer = _WireWriter()
        try writer.encode(configuration)
        let hello = Hello(
            realType: ActorHost.bridgeRealTypeName, realTypeName: "distributed actor \(actorTypeName)",
            interface: ActorHostClient._bridgeInterface, options: options, configuration: writer.bytes)

        let link = try await HostLink.start(options, hello: hello)
        let id: ActorID
        do {
            let endpoint = ActorEndpoint(self)
            id = try await link.connection.call(
                ActorHostClient._bridgeInterface, ActorHostClient.attach, on: .root,
                arguments: { try $0.encodeObject(endpoint.export) },
                result: { [systemNumber] in ActorID(system: systemNumber, host: try $0.decode(UInt32.self), actor: try $0.decode(UInt64.self)) },
                reportedAs: .hidden)  // the system's own, which the user never called
        } catch {
            await link.stop()
            throw error
        }
        guard hosts.add(link, as: number) else {
            await link.stop()
            throw BridgeError.startFailed("the actor system was shut down while the host for \(actorTypeName) started")
        }
        // The runtime makes the remote reference: `resolve` returns nil for another process's id.
        return try Act.resolve(id: id, using: self)
    }

    /// Stops the host that `actor` lives in: runs its stop hook after the calls already sent,
    /// lets it exit, and reaps it.
    ///
    /// Later calls to its actors fail with ``BridgeError/Code-swift.struct/stopped``. A host that
    /// does not exit within `options.stopTimeout` gets `SIGTERM`, then `SIGKILL`. Does nothing
    /// for an actor of this process or of a host already stopped.
    public func stop<Act: DistributedActor>(_ actor: Act) async where Act.ID == ActorID {
        guard let link = hosts?.remove(actor.id.host) else { return }
        await link.stop()
    }

    /// Stops every host this system started, in parallel, and refuses to start more.
    public func shutdown() async {
        let links = hosts?.removeAll() ?? []
        await withTaskGroup(of: Void.self) { group in
            for link in links { group.addTask { await link.stop() } }
        }
    }

    /// The process id of the host `actor` lives in, while it runs; nil for an actor of this
    /// process, or of a host that was stopped or has ended (its id may be another process's
    /// by now).
    public func processID<Act: DistributedActor>(of actor: Act) -> Int32? where Act.ID == ActorID {
        guard let host = hosts?.link(actor.id.host)?.host, host.termination.value == nil else { return nil }
        return host.id
    }

    /// The options checked, as `Bridge.start` checks them, and without supervision.
    static func checked(_ options: BridgeOptions) throws -> BridgeOptions {
        try Task.checkCancellation()
        try options.checkIdentitySwitch()
        try options.checkConfinement()
        try options.checkMaximumMessageSize()
        try options.checkSupervision()
        if options.restart != .never || options.maximumCallsPerHost != nil || options.spareHosts > 0 {
            throw BridgeError.startFailed(
                "an actor host is not restarted or replaced (its actors' state and ids would not survive); leave BridgeOptions.restart, .maximumCallsPerHost and .spareHosts at their defaults")
        }
        return try options.checkingTimeouts()
    }
}

/// The hosts a parent's `BridgeActorSystem` started, by number.
final class ActorHosts: Sendable {
    private struct State {
        var next: UInt32 = 1
        var links: [UInt32: HostLink] = [:]
        var shutDown = false
    }

    private let state = Locked(State())

    /// A number for a host about to start.
    /// - Throws: `BridgeError.startFailed` once the system is shut down.
    func reserve() throws -> UInt32 {
        try state.withLock { state throws(BridgeError) in
            guard !state.shutDown else { throw .startFailed("the actor system was shut down; create a new BridgeActorSystem") }
            defer { state.next += 1 }
            return state.next
        }
    }

    /// Records a started host; false once the system is shut down.
    func add(_ link: HostLink, as number: UInt32) -> Bool {
        state.withLock { state in
            guard !state.shutDown else { return false }
            state.links[number] = link
            return true
        }
    }

    func link(_ number: UInt32) -> HostLink? {
        state.withLock { $0.links[number] }
    }

    func remove(_ number: UInt32) -> HostLink? {
        state.withLock { $0.links.removeValue(forKey: number) }
    }

    /// Every host, forgotten; later starts fail.
    func removeAll() -> [HostLink] {
        state.withLock { state in
            state.shutDown = true
            defer { state.links = [:] }
            return Array(state.links.values)
        }
    }
}
