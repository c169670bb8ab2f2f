import Dispatch

/// Routes the calls of a supervised bridge (or a pool) to a live host, and replaces hosts:
/// after a crash (`BridgeOptions.restart`), a hang (`hangTimeout`), or a number of calls
/// (`maximumCallsPerHost`).
///
/// Generated clients hold a `_BridgeConnection`. The one a supervised bridge's client holds
/// (its first host's) has a relay, and sends every call through it: the relay hands the call
/// the connection of the least busy host that serves now, or makes it wait while a replacement
/// starts. So the client a caller holds survives any number of restarts, while each host keeps
/// a connection of its own, with its own calls, streams and passed objects, that ends with it:
/// a call in flight when its host dies fails with `hostExited`, and is never sent again.
///
/// The rules (which host a call goes to, who waits, when to give up) are `RelayState`'s; this
/// type acts on them: it starts, watches and stops hosts and resumes waiting callers.
package final class HostRelay: Sendable {
    /// Starts one more host (not the first: that one gets this relay for its connection).
    typealias HostStarter = @Sendable () async throws -> HostLink

    private let state: Locked<RelayState>
    private let startHost: HostStarter

    /// Starts a spare host (see `HostRelay+Spares.swift`).
    func startSpare() async throws -> HostLink { try await startHost() }
    private let restarted: (@Sendable (_BridgeConnection) async throws -> Void)?
    private let startTimeout: Duration
    private let callTimeout: Duration?
    /// The grace a call abandoned for its time limit has before its host counts as lost to it.
    private let stopTimeout: Duration
    /// Whether a host that ends is replaced (a restart policy): then a host still running a
    /// call abandoned for its time limit is killed and replaced too, and the callers of a host
    /// that ended are told to call again.
    private let replacesHosts: Bool
    /// How many runaway checks have finished (killed or spared); for tests.
    private let runawayChecks = Locked(0)
    private let events: (@Sendable (BridgeEvent) -> Void)?
    /// The replacements and spares being started, so that `stop()` can cancel them and wait
    /// for them, and the spares ready.
    let supply = Locked(Supply())
    /// How many spare hosts to keep started (`BridgeOptions.spareHosts`).
    let spareCount: Int
    /// The first `stop()`, which later ones wait for.
    private let stopping = Locked<Task<Void, Never>?>(nil)

    /// - Parameters:
    ///   - slots: How many hosts serve at once: 1 for a bridge, the size of a pool.
    ///   - options: Checked options.
    ///   - startHost: Starts a replacement host.
    ///   - restarted: Runs with each replacement's connection before it serves.
    ///   - heldCallsPerHost: How many calls each host holds at most, the others waiting for
    ///     room (a pool of hosts that run calls in turn: `RelayState`); nil for no limit.
    init(
        slots: Int, options: BridgeOptions, startHost: @escaping HostStarter,
        restarted: (@Sendable (_BridgeConnection) async throws -> Void)?, heldCallsPerHost: Int? = nil
    ) {
        state = Locked(RelayState(
            slots: slots, policy: options.restart, maximumCallsPerHost: options.maximumCallsPerHost, heldCallsPerHost: heldCallsPerHost))
        self.startHost = startHost
        self.restarted = restarted
        startTimeout = options.startTimeout
        callTimeout = options.callTimeout
        stopTimeout = options.stopTimeout
        replacesHosts = options.restart != .never
        spareCount = options.spareHosts
        events = options.events
    }

    // MARK: Routing calls

    /// Runs a call on the least busy live host, waiting for one while hosts are replaced.
    nonisolated(nonsending) func route<Result>(
        _ method: String, _ call: nonisolated(nonsending) (_BridgeConnection) async throws -> Result
    ) async throws -> Result {
        let link = try await lease(method)
        defer { release(link) }
        do {
            return try await call(link.connection)
        } catch let error as BridgeError {
            throw told(error, about: link)
        }
    }

    /// What a call to `link` that failed with `error` throws: a call out of time makes the
    /// relay watch for a runaway call; a host that ended is replaced, if the policy allows, so
    /// its caller is told to call again, not to start a new bridge.
    private func told(_ error: BridgeError, about link: HostLink) -> BridgeError {
        switch error.code {
        case .timedOut:
            watchForRunaway(link)
            return error
        default:
            return advised(error)
        }
    }

    /// `error` with the advice that fits this bridge: a host that ended is replaced, if the
    /// policy allows, so a caller (or a stream's consumer) is told to call again.
    func advised(_ error: BridgeError) -> BridgeError {
        guard error.code == .hostExited, replacesHosts else { return error }
        return error.advising("The bridge starts another host if its restart policy allows: call again")
    }

    /// `route(_:_:)` for a call that blocks its thread.
    func routeBlocking<Result>(_ method: String, _ call: (_BridgeConnection) throws -> Result) throws -> Result {
        let link = try leaseBlocking(method)
        defer { release(link) }
        do {
            return try call(link.connection)
        } catch let error as BridgeError {
            throw told(error, about: link)
        }
    }

    /// A call to `link` ran out of time (`callTimeout`): the host may still run it, so calls
    /// go to other hosts first until it answers. With a restart policy, a host that still runs
    /// such a call after `stopTimeout` more is killed and replaced (a crash, for the policy): a
    /// call that loops for ever would otherwise hold the host (and, in a pool, one of its hosts)
    /// for good. A call that honours the cancel its caller sent ends with a reply, which the
    /// connection notes: its host is spared.
    private func watchForRunaway(_ link: HostLink) {
        let overdue = link.connection.overdueCalls
        guard !overdue.isEmpty else {
            // The late reply came already.
            runawayChecks.withLock { $0 += 1 }
            return
        }
        state.withLock { $0.callTimedOut(link) }
        Task { [self] in
            try? await Task.sleep(for: stopTimeout)
            let stillOverdue = !overdue.isDisjoint(with: link.connection.overdueCalls)
            if stillOverdue, replacesHosts, link.host.termination.value == nil {
                link.host.kill(because: "as it still ran a call abandoned for its callTimeout \(stopTimeout) (BridgeOptions.stopTimeout) later")
            } else if !stillOverdue {
                hand(state.withLock { $0.overdueCallsAnswered(link) })
            }
            runawayChecks.withLock { $0 += 1 }
        }
    }

    nonisolated(nonsending) private func lease(_ method: String) async throws -> HostLink {
        while true {
            switch try leaseNow(method) {
            case .use(let link): return link
            case .wait(let busy):
                // A host handed over may have died meanwhile (its watcher has not run): then
                // the relay acts on its end, and the call looks again.
                let link = try await waitForHost(method, busy: busy)
                if isLive(link) { return link }
            }
        }
    }

    /// What a caller does now: use a live host, or wait for one (`busy`: for a free one).
    private enum Leased {
        case use(HostLink)
        case wait(busy: Bool)
    }

    private func leaseNow(_ method: String) throws -> Leased {
        while true {
            switch state.withLock({ $0.lease() }) {
            case .use(let link, let retires):
                if let retires { replace(slot: retires, after: nil) }
                if isLive(link) { return .use(link) }
            case .fail(let error):
                throw error.naming(method, waiting: false)
            case .wait(let busy):
                return .wait(busy: busy)
            }
        }
    }

    /// Whether the host of a link just leased has not been reaped. A reaped one was not acted
    /// on yet (its watcher runs a moment after the reaper): the relay acts now, so that the
    /// call waits for the replacement instead of failing on a connection that has ended.
    /// (The reaper sets the termination before the connection fails its calls: a caller that
    /// saw `hostExited` and calls again always finds it.)
    private func isLive(_ link: HostLink) -> Bool {
        guard link.host.termination.value != nil else { return true }
        // Ended first: released after, it is no host to hand a waiting call.
        ended(link)
        release(link)
        return false
    }

    /// How long a call waits for a host, and which option says so: for a replacement, at most
    /// `startTimeout`; for a free host of a busy pool (`busy`), as long as the call may take,
    /// `callTimeout` (nil: no limit).
    private func waitLimit(busy: Bool) -> (limit: Duration, option: String)? {
        if busy { return callTimeout.map { ($0, "callTimeout") } }
        if let callTimeout, callTimeout < startTimeout { return (callTimeout, "callTimeout") }
        return (startTimeout, "startTimeout")
    }

    private func waitTimedOut(_ method: String, busy: Bool) -> BridgeError {
        let (limit, option) = waitLimit(busy: busy) ?? (BridgeOptions.longestTimeout, "callTimeout")
        let awaited = busy ? "for one of the pool's hosts to be free" : "for a host to replace the one that ended, and none served"
        return .timedOut("'\(method)' waited \(limit) (BridgeOptions.\(option)) \(awaited); the call was not sent.", method: method)
    }

    /// Suspends until a host serves (`busy`: is free), for at most `waitLimit`, or until the
    /// task is cancelled or the bridge stops or gives up.
    nonisolated(nonsending) private func waitForHost(_ method: String, busy: Bool) async throws -> HostLink {
        let started = ContinuousClock.now
        let deadline = waitLimit(busy: busy).map { started + $0.limit }
        let id = state.withLock { $0.newWaiterID() }
        let timer = deadline.map { deadline in
            Task { [self] in
                guard (try? await Task.sleep(until: deadline)) != nil else { return }
                guard !busy, isServing else { return giveUp(id, because: waitTimedOut(method, busy: busy)) }
                // A replacement served, and the call now waits for room: bounded by
                // callTimeout alone.
                guard let limit = waitLimit(busy: true)?.limit else { return }
                guard (try? await Task.sleep(until: started + limit)) != nil else { return }
                giveUp(id, because: waitTimedOut(method, busy: true))
            }
        }
        defer { timer?.cancel() }
        let link = try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<HostLink, any Error>) in
                let now = state.withLock { state -> Result<RelayState.Lease, any Error>? in
                    // A cancel or a deadline that came before the waiter was registered found
                    // nobody to fail: it fails now.
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if let deadline, ContinuousClock.now >= deadline { return .failure(waitTimedOut(method, busy: busy)) }
                    return state.wait(.task(continuation), id: id).map { .success($0) }
                }
                guard let now else { return }
                continuation.resume(with: resolve(now, method))
            }
        } onCancel: {
            giveUp(id, because: CancellationError())
        }
        // Taking the lock once makes the hand-over visible to ThreadSanitizer (see `awaitReply`).
        state.withLock { _ in }
        return link
    }

    /// A blocked caller's `lease`: it blocks its thread while it waits for a host, until the
    /// wait's limit or its task's cancellation.
    private func leaseBlocking(_ method: String) throws -> HostLink {
        while true {
            switch try leaseNow(method) {
            case .use(let link): return link
            case .wait(let busy):
                // As in `lease`: a host handed over may have died meanwhile.
                let link = try waitBlocking(method, busy: busy)
                if isLive(link) { return link }
            }
        }
    }

    private func waitBlocking(_ method: String, busy startedBusy: Bool) throws -> HostLink {
        let started = Moment.now
        var busy = startedBusy
        var deadline = waitLimit(busy: busy).map { started + $0.limit }
        let cancellation = BlockingCancellation()
        let waiter = ThreadWaiter()
        let (id, now) = state.withLock { state in
            let id = state.newWaiterID()
            return (id, state.wait(.thread(waiter), id: id))
        }
        if let now { return try resolve(.success(now), method).get() }
        while true {
            if let result = waiter.wait(until: cancellation.nextLook(before: deadline)) { return try result.get() }
            if !busy, let passed = deadline, passed <= Moment.now, isServing {
                // A replacement served, and the call now waits for room: bounded by
                // callTimeout alone.
                busy = true
                deadline = waitLimit(busy: true).map { started + $0.limit }
                continue
            }
            guard let stop = cancellation.reasonToStop(deadline: deadline) else { continue }
            if state.withLock({ $0.removeWaiter(id) }) != nil { throw stop.error(timedOut: waitTimedOut(method, busy: busy)) }
            // A host (or an error) is being handed over right now: take it.
            return try waiter.wait().get()
        }
    }

    /// What a waiter that found a lease at once resumes with.
    private func resolve(_ lease: Result<RelayState.Lease, any Error>, _ method: String) -> Result<HostLink, any Error> {
        switch lease {
        case .failure(let error): return .failure(error)
        case .success(.use(let link, let retires)):
            if let retires { replace(slot: retires, after: nil) }
            return .success(link)
        case .success(.fail(let error)): return .failure(error.naming(method, waiting: false))
        case .success(.wait): preconditionFailure("RelayState.wait registers a waiter rather than answer .wait")
        }
    }

    private func giveUp(_ id: Int, because error: any Error) {
        state.withLock { $0.removeWaiter(id) }?.resume(with: .failure(error))
    }

    private func release(_ link: HostLink) {
        // A call that failed because its host died may end before the host's watcher acts:
        // the relay acts now, so that no waiting call is handed the dead host.
        if link.host.termination.value != nil { ended(link) }
        let released = state.withLock { $0.release(link) }
        hand(released.handedOut)
        guard let retired = released.retired else { return }
        // Its last call returned: its stop hook runs now. `stop()` waits for it (the host stays
        // recorded until it has ended).
        Task { await retired.stop() }
    }

    /// Resumes the waiting calls handed hosts, and replaces the hosts that retired with them.
    private func hand(_ handOut: RelayState.HandOut) {
        for (waiter, host) in handOut.resumed { waiter.resume(with: .success(host)) }
        for slot in handOut.retiring { replace(slot: slot, after: nil) }
    }

    // MARK: Hosts

    /// The first host of `slot` serves; the relay watches it from now on.
    /// - Returns: False if the bridge is stopping already (the caller stops the host).
    func serve(first link: HostLink, slot: Int) -> Bool {
        guard state.withLock({ $0.serve(link, slot: slot) }) != nil else { return false }
        watch(link)
        return true
    }

    /// Waits for `link`'s host to end, then acts on it (replace it, or give up).
    private func watch(_ link: HostLink) {
        Task { [weak self] in
            _ = await link.host.termination.wait()
            self?.ended(link)
        }
    }

    private func ended(_ link: HostLink) {
        link.hangWatch?.cancel()
        let error = Self.endError(of: link)
        switch state.withLock({ $0.ended(link, error: error, now: .now) }) {
        case .nothing: break
        case .replace(let slot): replace(slot: slot, after: link)
        case .gaveUp(let waiters): for waiter in waiters { waiter.resume(with: .failure(error)) }
        }
    }

    /// The error that a host's end means for the calls that find no other host.
    private static func endError(of link: HostLink) -> BridgeError {
        .hostExited(
            processID: link.host.id, termination: link.host.termination.value ?? .unknown, method: nil,
            addressSpaceLimit: link.host.addressSpaceLimit, killReason: link.host.killedBecause)
    }

    /// Starts a replacement for `slot`, unless the bridge is stopping.
    /// - Parameter previous: The host that crashed; nil for one that retired after its calls.
    private func replace(slot: Int, after previous: HostLink?) {
        run { [self] in await startReplacement(slot: slot, after: previous) }
    }

    /// Runs `work` in a task that `stop()` cancels and waits for, unless the bridge is stopping.
    /// - Returns: Whether it runs.
    @discardableResult
    func run(_ work: @escaping @Sendable () async -> Void) -> Bool {
        supply.withLock { supply in
            // Registered under the lock that `stop()` takes to collect them, so that it either
            // sees this one or this one sees the stop.
            guard !state.withLock({ $0.isStopping }) else { return false }
            let key = supply.nextTask
            supply.nextTask += 1
            supply.running[key] = Task { [self] in
                await work()
                _ = self.supply.withLock { $0.running.removeValue(forKey: key) }
            }
            return true
        }
    }

    /// Whether the bridge is stopping (or was released).
    var isStopping: Bool { state.withLock { $0.isStopping } }

    /// Whether a host serves now.
    private var isServing: Bool { state.withLock { !$0.servingHosts.isEmpty } }

    private func startReplacement(slot: Int, after previous: HostLink?) async {
        while true {
            let failure: BridgeError
            do {
                let link: HostLink
                if let spare = await takeSpare() {
                    link = spare
                } else {
                    link = try await startHost()
                }
                do {
                    try await runRestartedHook(on: link)
                } catch is RestartedHookTimedOut {
                    await link.stop()
                    throw BridgeError.startFailed(
                        "the restarted hook did not return within \(startTimeout) (BridgeOptions.startTimeout) for the fresh host (pid \(link.host.id)), which was stopped; the hook was cancelled")
                } catch {
                    await link.stop()
                    if error is CancellationError, Task.isCancelled { throw error }
                    throw BridgeError.startFailed("the restarted hook threw for the fresh host (pid \(link.host.id)), which was stopped: \(error)")
                }
                guard let handOut = state.withLock({ $0.serve(link, slot: slot) }) else {
                    await link.stop()  // the bridge is stopping
                    return
                }
                watch(link)
                if let previous {
                    events?(.restarted(previousProcessID: previous.host.id, processID: link.host.id, termination: previous.host.termination.value ?? .unknown))
                }
                hand(handOut)
                return
            } catch is CancellationError {
                return  // the bridge is stopping; the host, if one started, was reaped
            } catch {
                // The calls that fail now were failed by the host that ended; that its
                // replacement failed too is said after.
                let cause = (error as? BridgeError) ?? .startFailed("\(error)")
                failure = previous.map { Self.endError(of: $0).addingPostscript("Its replacement failed: \(cause.message)") } ?? cause
            }
            switch state.withLock({ $0.replacementFailed(slot: slot, error: failure, now: .now) }) {
            case .nothing: return
            case .replace: continue  // counted as a restart of its own
            case .gaveUp(let waiters):
                for waiter in waiters { waiter.resume(with: .failure(failure)) }
                return
            }
        }
    }

    /// Runs the restarted hook with the fresh host's connection, for at most `startTimeout`,
    /// as a replacement must serve within it: a hook that has not returned by then is
    /// cancelled and left to end on its own, and the replacement failed. A hook cancelled
    /// because the bridge is stopping is waited for.
    /// - Throws: What the hook threw; `RestartedHookTimedOut`; `CancellationError` when the
    ///   bridge is stopping.
    private func runRestartedHook(on link: HostLink) async throws {
        guard let restarted else { return }
        let outcome = OneShot<Result<Void, any Error>>()
        let hook = Task { [connection = link.connection] in
            do {
                try await restarted(connection)
                outcome.set(.success(()))
            } catch {
                outcome.set(.failure(error))
            }
        }
        let ended = await withTaskCancellationHandler {
            await outcome.wait(timeout: startTimeout)
        } onCancel: {
            hook.cancel()
        }
        guard let ended else {
            hook.cancel()
            if Task.isCancelled {
                // `stop()` waits for a hook it cancels, as for one run in place.
                await hook.value
                throw CancellationError()
            }
            throw RestartedHookTimedOut()
        }
        try ended.get()
    }

    // MARK: What the bridge shows

    /// The process id of the host that serves `slot`, or that served it last.
    func processID(slot: Int) -> Int32 {
        state.withLock { $0.lastHosts[slot]?.host.id } ?? 0
    }

    /// How `slot`'s last host ended, once the slot gave up or the bridge stopped; nil while a
    /// host serves it or a replacement is on the way.
    func termination(slot: Int) -> HostTermination? {
        state.withLock { state -> HostLink? in
            guard case .ended = state.slots[slot] else { return nil }
            return state.lastHosts[slot]
        }?.host.termination.value
    }

    /// The process ids of the hosts that serve now.
    var servingProcessIDs: [Int32] { state.withLock { $0.servingHosts.map(\.host.id) } }

    /// The hosts that serve now.
    var servingHosts: [HostLink] { state.withLock { $0.servingHosts } }

    /// Whether a replacement is on the way; for tests.
    package var isReplacing: Bool { state.withLock { $0.isReplacing } }

    /// How many runaway checks (see `watchForRunaway`) have finished, killing or sparing the
    /// host; for tests.
    package var finishedRunawayChecks: Int { runawayChecks.withLock { $0 } }

    /// How many calls the serving hosts run now; for tests.
    package var callsInFlight: Int { state.withLock { $0.callsInFlight } }

    /// How many callers wait for a host; for tests.
    package var waitingCallers: Int { state.withLock { $0.waiterCount } }

    // MARK: The end

    /// Stops every host (their stop hooks run after the calls they have), in parallel, and any
    /// replacement being started; waiting and later calls fail with `BridgeError.stopped`.
    func stop() async {
        let task = stopping.withLock { running -> Task<Void, Never> in
            if let running { return running }
            let task = Task { await stopAll() }
            running = task
            return task
        }
        await task.value
    }

    private func stopAll() async {
        let (waiters, hosts, starting) = beginStopping()
        for waiter in waiters { waiter.resume(with: .failure(BridgeError.stopped(method: nil))) }
        for task in starting { task.cancel() }
        await withTaskGroup(of: Void.self) { group in
            for task in starting { group.addTask { await task.value } }
            for host in hosts { group.addTask { await host.stop() } }
        }
    }

    /// The bridge was released without `stop()`: its hosts are disconnected (they exit
    /// without their stop hooks, and are reaped), and the relay forgets them.
    func abandon() {
        let (waiters, hosts, starting) = beginStopping()
        for waiter in waiters { waiter.resume(with: .failure(BridgeError.stopped(method: nil))) }
        for task in starting { task.cancel() }
        for host in hosts { host.disconnect() }
        state.withLock { $0.forgetHosts() }
    }

    private func beginStopping() -> ([RelayState.Waiter], [HostLink], [Task<Void, Never>]) {
        supply.withLock { supply in
            let (waiters, hosts) = state.withLock { $0.beginStopping() }
            defer { supply.spares = [] }
            return (waiters, hosts + supply.spares, Array(supply.running.values))
        }
    }
}

/// The restarted hook did not return within `startTimeout`.
private struct RestartedHookTimedOut: Error {}
