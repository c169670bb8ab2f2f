/// Host processes launched ahead of time, so that a bridge starts in well under a millisecond.
///
/// A Swift binary takes 6–7 ms from `posix_spawn` to its first reply, most of it the dynamic
/// loader and the runtime's own start. A reserve pays that ahead: it launches its hosts with
/// its options, and they wait, started, for a bridge to take them. ``Bridge/start(from:)``
/// takes one and names the real type: the host applies the options that come with that
/// (limits, user and group, working directory), creates the real object and runs its start
/// hook, exactly as a fresh host does; the reserve launches a replacement in the background,
/// a moment later, so that the launch does not compete with the start for the CPU.
///
/// ```swift
/// let reserve = try await BridgeReserve.start(hosts: 2, options: .init(user: "nobody"))
/// for upload in uploads {
///     let parser = try await Bridge<Parser>.start(from: reserve)  // a fresh host for each upload
///     try await parser.client.parse(upload)
///     await parser.stop()
/// }
/// await reserve.stop()
/// ```
///
/// A host taken from a reserve is as clean as one started by ``Bridge/start(_:restarted:)``:
/// a process of its own, started with the reserve's environment, executable, namespaces and
/// output; no descriptor or state of another bridge; and no real object, and no user code,
/// until a bridge takes it. One reserve serves bridges of any real type, all with its options.
///
/// A waiting host costs a process and no CPU. Waiting hosts die with this process; `stop()`
/// (or releasing the reserve) ends them. A reserve starts plain bridges: restarts, hang checks
/// and recycling keep spares of their own (`BridgeOptions.spareHosts`).
public final class BridgeReserve: Sendable {
    /// The options every host of this reserve has, checked.
    let options: BridgeOptions
    private let size: Int
    private let state: Locked<State>

    private struct State {
        /// The hosts launched or being launched, oldest first.
        var launches: [Launch] = []
        /// Replacements waiting for `refillDelay` to pass, by number.
        var refills: [Int: Task<Void, Never>] = [:]
        var nextRefill = 0
        var stopped = false
    }

    /// How long after a bridge takes a host its replacement is launched. A launch is 6-13 ms of
    /// CPU (the dynamic loader, the runtime's start): at once, it took the CPU from the start
    /// that took the host and from its first calls, and a start to its first reply cost 2.7 ms
    /// instead of 0.9 ms. A start that finds the reserve empty meanwhile launches a host of
    /// its own at once.
    static let refillDelay = Duration.milliseconds(20)

    /// One host being launched, or launched and ready for its hello.
    private typealias Launch = Task<HostLauncher.Launched, any Error>

    private init(size: Int, options: BridgeOptions) {
        self.size = size
        self.options = options
        state = Locked(State(launches: (0..<size).map { _ in Self.launch(options) }))
    }

    deinit {
        let launches = state.withLock { state in
            defer { state.launches = [] }
            return state.launches
        }
        guard !launches.isEmpty else { return }
        let stopTimeout = options.stopTimeout
        Task.detached { await Self.end(launches, stopTimeout: stopTimeout) }
    }

    /// Launches `hosts` hosts at once and waits until each is ready to serve.
    ///
    /// - Parameters:
    ///   - hosts: How many hosts to keep launched ahead; each one a bridge takes is replaced.
    ///   - options: The options of every bridge started from this reserve. Restart, hang and
    ///     recycling options are refused: see the type's discussion.
    /// - Returns: A reserve whose hosts are all ready.
    /// - Throws: `BridgeError`: `.startFailed` for options a start would refuse, or when a
    ///   host cannot be launched, `.timedOut` when one is not ready within
    ///   `options.startTimeout`; `CancellationError`. Hosts already launched are ended first.
    public static func start(hosts: Int, options: BridgeOptions = .init()) async throws -> BridgeReserve {
        guard hosts >= 1 else {
            throw BridgeError.startFailed("a BridgeReserve needs at least one host; hosts is \(hosts)")
        }
        let options = try options.checkedForStart()
        if options.isSupervised || options.spareHosts > 0 {
            throw BridgeError.startFailed(
                "a BridgeReserve starts plain bridges: start supervised ones (restart, hangTimeout, maximumCallsPerHost) with Bridge.start(_:) or BridgePool, and keep their hosts ahead with BridgeOptions.spareHosts")
        }
        let reserve = BridgeReserve(size: hosts, options: options)
        let launches = reserve.state.withLock { $0.launches }
        do {
            for launch in launches { _ = try await launch.value }
        } catch {
            await reserve.stop()
            throw error
        }
        return reserve
    }

    /// Ends every waiting host (it exits when its connection closes, and is reaped), and
    /// calls off those being launched. Later starts from this reserve fail with
    /// `BridgeError.stopped`; bridges already started from it are not touched.
    public func stop() async {
        let launches = state.withLock { state in
            state.stopped = true
            state.refills.values.forEach { $0.cancel() }
            defer { state.launches = [] }
            return state.launches
        }
        await Self.end(launches, stopTimeout: options.stopTimeout)
    }

    /// A ready host for a bridge to take. A host that ended while it waited is passed over;
    /// one still being launched is waited for, bounded by its `startTimeout` and the caller's
    /// cancellation. Each host taken (or passed over) must be replaced with `refill()`, once
    /// the bridge that took it has started: a launch beside the start would take the CPU
    /// the start needs.
    func take() async throws -> HostLauncher.Launched {
        for _ in 0...size {
            let launch = try state.withLock { state throws(BridgeError) -> Launch in
                guard !state.stopped else {
                    throw BridgeError(code: .stopped, message: "The BridgeReserve was stopped; start bridges with Bridge.start(_:), or from another reserve.")
                }
                guard !state.launches.isEmpty else {
                    // Every host is taken and not yet replaced: launch one for this caller.
                    return Self.launch(options)
                }
                return state.launches.removeFirst()
            }
            let launched = try await withTaskCancellationHandler {
                try await launch.value
            } onCancel: {
                launch.cancel()
            }
            guard launched.host.hasEnded else { return launched }
            launched.connection.disconnect()  // ended: its reader reaps it
            refill()
        }
        throw BridgeError.startFailed("every host of the BridgeReserve ended while it waited (\(size + 1) in a row); see their output, or start with Bridge.start(_:) to learn why")
    }

    /// Launches a host in place of one taken, `refillDelay` from now, unless the reserve has
    /// stopped or is full by then.
    func refill() {
        state.withLock { state in
            guard !state.stopped, state.launches.count + state.refills.count < size else { return }
            let number = state.nextRefill
            state.nextRefill += 1
            state.refills[number] = Task { [weak self] in
                try? await Task.sleep(for: Self.refillDelay)
                self?.launchRefill(number)
            }
        }
    }

    private func launchRefill(_ number: Int) {
        state.withLock { state in
            state.refills[number] = nil
            guard !state.stopped, state.launches.count < size else { return }
            state.launches.append(Self.launch(options))
        }
    }

    /// The process ids of the hosts ready, once every replacement due has been launched and
    /// is ready; for tests.
    package var readyProcessIDs: [Int32] {
        get async {
            for refill in state.withLock({ Array($0.refills.values) }) { await refill.value }
            var ids: [Int32] = []
            for launch in state.withLock({ $0.launches }) {
                if let launched = try? await launch.value, !launched.host.hasEnded { ids.append(launched.host.id) }
            }
            return ids
        }
    }

    private static func launch(_ options: BridgeOptions) -> Launch {
        Task { try await HostLink.launchReady(options) }
    }

    /// Calls off `launches`, and ends the hosts they launched, in parallel.
    private static func end(_ launches: [Launch], stopTimeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            for launch in launches {
                group.addTask {
                    launch.cancel()
                    guard let launched = try? await launch.value else { return }
                    launched.connection.disconnect()
                    await HostLink.end(launched.host, after: stopTimeout)
                }
            }
        }
    }
}

extension Bridge {
    /// Starts a bridge on a host that `reserve` launched ahead of time: the host creates a
    /// `Real` with `init()` and serves it, with the reserve's options.
    ///
    /// Costs the host's start hook and a few hundred microseconds, instead of a process start.
    /// - Throws: As ``start(_:restarted:)``; `BridgeError.stopped` from a stopped reserve.
    public static func start(from reserve: BridgeReserve) async throws -> Bridge {
        if Real.self is any BridgeConfigurable.Type {
            throw BridgeError.startFailed("\(String(reflecting: Real.self)) needs a configuration; start it with start(configuration:from:)")
        }
        return try await start(from: reserve, configuration: nil)
    }

    /// Starts a bridge on a host that `reserve` launched ahead of time: the host creates a
    /// `Real` with `init(configuration:)` and serves it, with the reserve's options.
    /// - Throws: As ``start(configuration:options:restarted:)``; `BridgeError.stopped` from a
    ///   stopped reserve.
    public static func start(configuration: Real.Configuration, from reserve: BridgeReserve) async throws -> Bridge
    where Real: BridgeConfigurable {
        try await start(from: reserve, configuration: try encode(configuration))
    }

    private static func start(from reserve: BridgeReserve, configuration: [UInt8]?) async throws -> Bridge {
        try Task.checkCancellation()
        let hello = hello(reserve.options, configuration: configuration)
        // Replaced once this start is over (see `take()`), whether it worked or not.
        defer { reserve.refill() }
        let launched = try await reserve.take()
        return Bridge(try await HostLink.start(launched, options: reserve.options, hello: hello), relay: nil)
    }
}
