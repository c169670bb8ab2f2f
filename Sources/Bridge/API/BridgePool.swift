/// Many host processes of one real type behind one client.
///
/// A host whose real type runs one call at a time (the default) holds at most the call it runs
/// and the next, so that it never idles between them: each call goes to the host with the
/// fewest, and while every host holds two it waits in the pool (at most its
/// ``BridgeOptions/callTimeout``, until its task is cancelled, or until ``stop()``) for the
/// first with room. A call thus waits behind at most one other in a host, and a host that
/// crashes fails the call it ran and the next (a host may hold one more while it still runs a
/// call its caller gave up on for a cancel, or, without a restart policy, for its time limit).
/// The hosts of a
/// ``BridgeConcurrentCalls`` real type take calls at once: each call goes to the live host with
/// the fewest in flight.
///
/// ```swift
/// let pool = try await BridgePool<Parser>.start(size: 4, options: .init(
///     restart: .onCrash(maximumRestarts: 10, within: .seconds(60)), hangTimeout: .seconds(5)))
/// let trees = try await withThrowingTaskGroup(of: Tree.self) { group in
///     for input in inputs { group.addTask { try await pool.client.parse(input) } }
///     return try await group.reduce(into: []) { $0.append($1) }
/// }
/// await pool.stop()
/// ```
///
/// The hosts start in parallel, and stop in parallel. Each is supervised with the pool's
/// options, as a `Bridge`'s host is: replaced after a crash (``BridgeOptions/restart``) or a
/// hang (``BridgeOptions/hangTimeout``), or gracefully after its calls
/// (``BridgeOptions/maximumCallsPerHost``). A stream, and the objects passed with a call, stay
/// with the host that took the call. A host whose slot gave up (the policy's limit, or
/// ``BridgeRestartPolicy/never``) takes no more calls; once every host gave up, calls fail at
/// once with `BridgeError.hostExited`. Calls made while no host serves but a replacement
/// starts wait for it, as with a `Bridge`.
///
/// Each host has its own state: a pool suits real types whose calls do not depend on which
/// host ran the calls before them (parsers, converters, sandboxes for untrusted input).
public final class BridgePool<Real: BridgeStartable>: Sendable {
    /// The typed client: each call goes to the least busy live host, or waits in the pool for
    /// room.
    public let client: Real.BridgeClient

    /// The process ids of the live hosts, one for each host that serves now (fewer than
    /// `size` while hosts are replaced, or after some gave up).
    public var processIDs: [Int32] { relay.servingProcessIDs }

    private let relay: HostRelay

    /// The relay, for tests.
    package var _relay: HostRelay { relay }

    private init(client: Real.BridgeClient, relay: HostRelay) {
        self.client = client
        self.relay = relay
    }

    deinit {
        relay.abandon()
    }

    /// Starts `size` hosts at once, each creating a `Real` with `init()`.
    ///
    /// - Parameters:
    ///   - size: How many hosts, at least 1.
    ///   - options: How to start, supervise and stop each host.
    ///   - restarted: Runs with a client for each fresh host that replaces one, before calls
    ///     reach it, as in `Bridge.start(_:restarted:)`.
    /// - Returns: A pool whose `client` is ready for calls.
    /// - Throws: What `Bridge.start` throws for the first host that failed to start; the hosts
    ///   that started are stopped first.
    public static func start(
        size: Int, options: BridgeOptions = .init(), restarted: (@Sendable (Real.BridgeClient) async throws -> Void)? = nil
    ) async throws -> BridgePool {
        if Real.self is any BridgeConfigurable.Type {
            throw BridgeError.startFailed("\(String(reflecting: Real.self)) needs a configuration; start the pool with start(size:configuration:options:)")
        }
        return try await start(size: size, options, configuration: nil, restarted: restarted)
    }

    /// Starts `size` hosts at once, each creating a `Real` with `init(configuration:)`.
    public static func start(
        size: Int, configuration: Real.Configuration, options: BridgeOptions = .init(),
        restarted: (@Sendable (Real.BridgeClient) async throws -> Void)? = nil
    ) async throws -> BridgePool
    where Real: BridgeConfigurable {
        try await start(size: size, options, configuration: try Bridge<Real>.encode(configuration), restarted: restarted)
    }

    private static func start(
        size: Int, _ options: BridgeOptions, configuration: [UInt8]?, restarted: (@Sendable (Real.BridgeClient) async throws -> Void)?
    ) async throws -> BridgePool {
        guard size >= 1 else {
            throw BridgeError.startFailed("a BridgePool needs at least one host; size is \(size)")
        }
        let options = try Bridge<Real>.checked(options)
        let hello = Bridge<Real>.hello(options, configuration: configuration)
        var hook: (@Sendable (_BridgeConnection) async throws -> Void)?
        if let restarted {
            hook = { connection in try await restarted(Real.BridgeClient(_connection: connection)) }
        }
        // Hosts that run one call at a time hold the call they run and the next, and the others
        // wait in the pool. A real type this process does not link may take calls concurrently:
        // calls then go to the least busy host, as to one that does.
        let takesCallsInTurn = (Real.self as? any _BridgeServable.Type).map { !$0._bridgeTakesConcurrentCalls } ?? false
        let relay = HostRelay(
            slots: size, options: options, startHost: { try await HostLink.start(options, hello: hello, pooled: true) }, restarted: hook,
            heldCallsPerHost: takesCallsInTurn ? RelayState.callsHeldInTurn : nil)
        // The first host's connection is the one the client holds: it routes through the relay.
        // Each host's outcome goes into its slot; the group's children return nothing. (A
        // release build trapped on an index out of range when the children returned
        // `(Int, Result<HostLink, any Error>)`, which no slot number can explain.)
        let outcomes = Locked<(started: [HostLink?], failure: (any Error)?)>((Array(repeating: nil, count: size), nil))
        await withTaskGroup(of: Void.self) { group in
            for slot in 0..<size {
                group.addTask {
                    do {
                        let link = try await HostLink.start(options, hello: hello, relay: slot == 0 ? relay : nil, pooled: true)
                        outcomes.withLock { $0.started[slot] = link }
                    } catch {
                        outcomes.withLock { $0.failure = $0.failure ?? error }
                    }
                }
            }
        }
        let (started, failure) = outcomes.withLock { ($0.started, $0.failure) }
        let links = started.compactMap { $0 }
        guard failure == nil, links.count == size else {
            await withTaskGroup(of: Void.self) { group in
                for link in links { group.addTask { await link.stop() } }
            }
            throw failure ?? BridgeError.startFailed("\(size - links.count) of the pool's \(size) hosts did not start")
        }
        for (slot, link) in links.enumerated() {
            guard relay.serve(first: link, slot: slot) else {
                await relay.stop()
                throw CancellationError()
            }
        }
        relay.topUpSpares()
        return BridgePool(client: Real.BridgeClient(_connection: links[0].connection), relay: relay)
    }

    /// Stops every host, in parallel: each runs its stop hook after the calls it has, exits,
    /// and is reaped; a replacement being started is called off. Later calls fail with
    /// `BridgeError.stopped`. Calling `stop()` again waits for the first stop.
    public func stop() async {
        await relay.stop()
    }
}

/// Starts a pool of `size` hosts, runs `body` with its client, and always stops and reaps
/// every host: when `body` returns, when it throws, and when the task is cancelled.
///
/// ```swift
/// let outcomes = try await withBridgePool(Parser.self, size: 4) { parser in
///     try await withThrowingTaskGroup(of: Tree.self) { group in ... }
/// }
/// ```
/// - Parameters:
///   - type: The real type to create in each host.
///   - size: How many hosts.
///   - options: How to start, supervise and stop each host.
///   - isolation: The actor `body` runs on; the caller's, by default.
///   - body: What to do with the client.
/// - Returns: What `body` returned.
/// - Throws: What `BridgePool.start(size:options:restarted:)` throws, or what `body` threw.
public func withBridgePool<Real: BridgeStartable, Result>(
    _ type: Real.Type,
    size: Int,
    options: BridgeOptions = .init(),
    isolation: isolated (any Actor)? = #isolation,
    _ body: (Real.BridgeClient) async throws -> Result
) async throws -> Result {
    try await run(body, on: BridgePool<Real>.start(size: size, options: options))
}

/// Starts a pool of `size` hosts whose real type is created with a configuration, runs `body`
/// with its client, and always stops and reaps every host.
public func withBridgePool<Real: BridgeConfigurable, Result>(
    _ type: Real.Type,
    size: Int,
    configuration: Real.Configuration,
    options: BridgeOptions = .init(),
    isolation: isolated (any Actor)? = #isolation,
    _ body: (Real.BridgeClient) async throws -> Result
) async throws -> Result {
    try await run(body, on: BridgePool<Real>.start(size: size, configuration: configuration, options: options))
}

/// Runs `body` and stops the pool however `body` ends.
private func run<Real: BridgeStartable, Result>(
    _ body: (Real.BridgeClient) async throws -> Result,
    on pool: BridgePool<Real>,
    isolation: isolated (any Actor)? = #isolation
) async throws -> Result {
    try await runStopping(pool.client, stop: pool.stop, body)
}
