
/// A real object of type `Real` running in its own host process, and the client that calls it.
///
/// ```swift
/// let bridge = try await Bridge<LocalSandbox>.start()
/// let cwd = try await bridge.client.currentDirectory()
/// await bridge.stop()
/// ```
///
/// The host is this binary started again (or `options.executable`). It creates `Real` with
/// `init()` (or `init(configuration:)`, see ``BridgeConfigurable``), runs its start hook, and
/// serves calls until `stop()`, until this `Bridge` is released (then the host exits without
/// its stop hook), or until this process dies (then the host dies too).
public final class Bridge<Real: BridgeStartable>: Sendable {
    /// The typed client: each call runs on the real object in the host.
    ///
    /// With a restart policy (or `hangTimeout`, or `maximumCallsPerHost`) it calls whichever
    /// host serves now: it survives restarts.
    public let client: Real.BridgeClient

    /// The host's process id: the host that serves now, or, while a replacement starts, the
    /// one that ended.
    public var processID: Int32 { relay?.processID(slot: 0) ?? first.host.id }

    /// How the host ended, once it has ended and was reaped; nil while it runs, and nil while
    /// a replacement starts (`BridgeOptions.restart`): set only once the bridge gave up or was
    /// stopped.
    public var termination: HostTermination? {
        guard let relay else { return first.host.termination.value }
        return relay.termination(slot: 0)
    }

    /// The first host; the only one without supervision.
    private let first: HostLink
    /// Routes calls and replaces hosts, for a supervised bridge (see `BridgeOptions.isSupervised`).
    private let relay: HostRelay?

    /// How many objects passed to the host (callbacks, shared state) the host still holds.
    package var passedObjectCount: Int {
        (relay?.servingHosts.first ?? first).connection.passedObjectCount
    }

    /// The first host's connection, for tests.
    package var _connection: _BridgeConnection { first.connection }

    /// The relay, for tests that wait for a restart to be under way.
    package var _relay: HostRelay? { relay }

    init(_ first: HostLink, relay: HostRelay?) {
        self.first = first
        self.relay = relay
        self.client = Real.BridgeClient(_connection: first.connection)
    }

    deinit {
        // Closing our end makes the host exit and the reader reap it.
        if let relay {
            relay.abandon()
        } else {
            first.disconnect()
        }
    }

    /// Starts a host process that creates a `Real` with `init()` and serves it.
    ///
    /// - Parameters:
    ///   - options: The host's working directory, environment, user, executable, output,
    ///     timeouts, restart policy.
    ///   - restarted: Runs in the parent each time a fresh host replaced the one before
    ///     (`options.restart`, `options.maximumCallsPerHost`), with a client for the fresh
    ///     host alone, after its start hook and before any waiting or later call reaches it:
    ///     the place to rebuild the state the old host held (pass callbacks and `SharedState`
    ///     again: they belonged to the old host). Not run for the first host. If it throws,
    ///     the fresh host is stopped, and that counts as a crash.
    /// - Returns: A bridge whose `client` is ready for calls.
    /// - Throws: The start hook's error (as itself when it is `Codable`), or `BridgeError`:
    ///   `.startFailed` when the host cannot be started or exits first, `.timedOut` after
    ///   `options.startTimeout`, `.interfaceMismatch` for a host built from other source.
    public static func start(
        _ options: BridgeOptions = .init(), restarted: (@Sendable (Real.BridgeClient) async throws -> Void)? = nil
    ) async throws -> Bridge {
        if Real.self is any BridgeConfigurable.Type {
            throw BridgeError.startFailed("\(String(reflecting: Real.self)) needs a configuration; start it with start(configuration:options:)")
        }
        return try await start(options, configuration: nil, restarted: restarted)
    }

    /// Starts a host process that creates a `Real` with `init(configuration:)` and serves it.
    ///
    /// - Parameters:
    ///   - configuration: Encoded here and decoded in the host, before the real object exists;
    ///     every replacement host gets it too.
    ///   - options: The host's working directory, environment, user, executable, output,
    ///     timeouts, restart policy.
    ///   - restarted: Runs after each restart, as in ``start(_:restarted:)``.
    /// - Returns: A bridge whose `client` is ready for calls.
    /// - Throws: What `init(configuration:)` or the start hook threw (as itself when it is
    ///   `Codable`), or `BridgeError` as ``start(_:restarted:)`` does.
    public static func start(
        configuration: Real.Configuration, options: BridgeOptions = .init(),
        restarted: (@Sendable (Real.BridgeClient) async throws -> Void)? = nil
    ) async throws -> Bridge
    where Real: BridgeConfigurable {
        try await start(options, configuration: try encode(configuration), restarted: restarted)
    }

    /// The configuration, encoded for the hello.
    static func encode(_ configuration: Real.Configuration) throws -> [UInt8] where Real: BridgeConfigurable {
        var writer = _WireWriter()
        do {
            try writer.encode(configuration)
        } catch {
            throw BridgeError.startFailed("the configuration of \(String(reflecting: Real.self)) could not be encoded: \(error)")
        }
        return writer.bytes
    }

    /// The options checked, as every start needs them.
    static func checked(_ options: BridgeOptions) throws -> BridgeOptions {
        try options.checkedForStart()
    }

    /// The hello for `Real`.
    static func hello(_ options: BridgeOptions, configuration: [UInt8]?) -> Hello {
        Hello(
            realType: Real.bridgeRealTypeName,
            realTypeName: Real.self is any _BridgeServable.Type ? String(reflecting: Real.self) : Real.bridgeRealTypeName,
            interface: Real.BridgeClient._bridgeInterface,
            options: options,
            configuration: configuration)
    }

    private static func start(
        _ options: BridgeOptions, configuration: [UInt8]?, restarted: (@Sendable (Real.BridgeClient) async throws -> Void)?
    ) async throws -> Bridge {
        let options = try checked(options)
        let hello = hello(options, configuration: configuration)
        guard options.isSupervised else {
            return Bridge(try await HostLink.start(options, hello: hello), relay: nil)
        }
        var hook: (@Sendable (_BridgeConnection) async throws -> Void)?
        if let restarted {
            hook = { connection in try await restarted(Real.BridgeClient(_connection: connection)) }
        }
        let relay = HostRelay(
            slots: 1, options: options, startHost: { try await HostLink.start(options, hello: hello) }, restarted: hook)
        let first = try await HostLink.start(options, hello: hello, relay: relay)
        guard relay.serve(first: first, slot: 0) else {
            await first.stop()
            throw CancellationError()
        }
        relay.topUpSpares()
        return Bridge(first, relay: relay)
    }

    /// Stops the host: runs its stop hook after the calls already sent, lets it exit, and reaps it.
    ///
    /// A host that does not exit within `options.stopTimeout` gets `SIGTERM`, then `SIGKILL`.
    /// Later calls fail with `BridgeError.stopped`. Calling `stop()` again waits for the
    /// first stop; cancelling the calling task does not cut the stop short. A restart under
    /// way is called off: the host being started is stopped (or killed) and reaped too. The
    /// host's descriptors (sockets, pidfd, eventfds) are closed when the bridge is released,
    /// not here: another thread's call may still hold their numbers.
    public func stop() async {
        guard let relay else {
            await first.stop()
            return
        }
        await relay.stop()
    }
}
