import Dispatch

/// The state of a supervised bridge's hosts, as a state machine in the style of
/// `ConnectionState`: which host of each slot serves, which are being replaced, which calls
/// wait for a host, how many calls each host runs and has served, and the restarts so far.
/// Each event is a `mutating` method that returns what the relay must do once it has released
/// the lock (start a replacement, stop a host, resume waiting calls). It starts no process and
/// reads no clock: the time comes in as an argument.
///
/// A plain supervised bridge has one slot; a pool has one per host. A slot is in one of three
/// phases: a host serves it; a replacement is on the way (calls that find no serving slot wait);
/// or it gave up (its host crashed more often than the policy allows, or the bridge stopped).
///
/// A pool whose hosts run one call at a time (`heldCallsPerHost`) gives each host at most the
/// call it runs and the next (`heldCallsPerHost`), and the calls beyond wait here, for the first
/// host with room: queued in a host instead, a call would wait behind slow ones while another
/// host idles, and die with a host that crashed on a call before it, which it never reached.
/// The next call waits in the host so that the host never idles between two calls while the
/// parent hands one over (with one, a pool of 200 µs calls served 30% fewer here).
struct RelayState {
    /// How a caller waits for a host.
    enum Waiter {
        /// Unsafe rather than checked, as `ConnectionState.Waiter`: each is resumed exactly
        /// once, by whoever removes it from `waiters` under the lock.
        case task(UnsafeContinuation<HostLink, any Error>)
        case thread(ThreadWaiter)

        func resume(with result: Result<HostLink, any Error>) {
            switch self {
            case .task(let continuation): continuation.resume(with: result)
            case .thread(let waiter): waiter.deliver(result)
            }
        }
    }

    enum Slot {
        case serving(HostLink)
        /// A replacement is on the way.
        case replacing
        /// No host will serve this slot again; calls fail with this error.
        case ended(BridgeError)
    }

    /// A host that serves or served a slot and is not yet gone.
    struct Record {
        let link: HostLink
        var slot: Int
        /// Calls routed to it that have not returned.
        var inFlight = 0
        /// Calls routed to it in all.
        var served = 0
        /// Calls to it abandoned for their time limit that it may still run: such a host is
        /// busy, whatever `inFlight` says, and takes calls only when no other host serves.
        var overdue = 0
        /// It served `maximumCallsPerHost` calls: it gets no more, and stops once the last
        /// returns.
        var retiring = false
    }

    private(set) var slots: [Slot]
    /// The last host that served each slot: its process id names the slot's host, its end
    /// the slot's end.
    private(set) var lastHosts: [HostLink?]
    private var records: [ObjectIdentifier: Record] = [:]
    /// When each slot's crashed hosts were replaced, for the policy's window.
    private var restarts: [[ContinuousClock.Instant]]
    private var waiters: [Int: Waiter] = [:]
    private var nextWaiterID = 0
    private(set) var isStopping = false
    /// Where the search for the least busy host starts, so that idle hosts share the calls.
    private var rotation = 0
    private let policy: BridgeRestartPolicy
    private let maximumCallsPerHost: Int?
    /// How many calls each host holds at most, the others waiting for room; nil for no limit.
    private let heldCallsPerHost: Int?
    /// What a pool of hosts that run calls in turn gives `heldCallsPerHost`: the call a host
    /// runs, and the next.
    static let callsHeldInTurn = 2

    init(slots count: Int, policy: BridgeRestartPolicy, maximumCallsPerHost: Int?, heldCallsPerHost: Int? = nil) {
        slots = Array(repeating: .replacing, count: count)
        lastHosts = Array(repeating: nil, count: count)
        restarts = Array(repeating: [], count: count)
        self.policy = policy
        self.maximumCallsPerHost = maximumCallsPerHost
        self.heldCallsPerHost = heldCallsPerHost
    }

    // MARK: Calls

    /// Where a call goes.
    enum Lease {
        /// To this host. With `retires`, the host reached `maximumCallsPerHost` with this call:
        /// a replacement must be started for slot `retires`.
        case use(HostLink, retires: Int?)
        /// No host can take the call now: with `busy`, every host that serves holds all the
        /// calls it may (`heldCallsPerHost`); else none serves, and a replacement is on the way.
        case wait(busy: Bool)
        case fail(BridgeError)
    }

    /// A call looks for the serving host with the fewest calls in flight (with
    /// `heldCallsPerHost`, among those with room).
    mutating func lease() -> Lease {
        if isStopping { return .fail(.stopped(method: nil)) }
        var best: (link: HostLink, id: ObjectIdentifier, load: (Int, Int))?
        var anyReplacing = false
        var anyFull = false
        for offset in slots.indices {
            let index = (rotation + offset) % slots.count
            switch slots[index] {
            case .serving(let link):
                let id = ObjectIdentifier(link)
                let record = records[id]
                let (overdue, inFlight) = (record?.overdue ?? 0, record?.inFlight ?? 0)
                // A call abandoned for its time limit that the host still runs is one it holds.
                if let heldCallsPerHost, inFlight + overdue >= heldCallsPerHost {
                    anyFull = true
                    continue
                }
                let load = (overdue > 0 ? 1 : 0, inFlight)
                if best == nil || load < best!.load { best = (link, id, load) }
            case .replacing:
                anyReplacing = true
            case .ended:
                break
            }
        }
        guard let best else {
            if anyFull { return .wait(busy: true) }
            return anyReplacing ? .wait(busy: false) : .fail(endError)
        }
        rotation = (rotation + 1) % slots.count
        var record = records[best.id]!
        record.inFlight += 1
        record.served += 1
        var retires: Int?
        if let maximumCallsPerHost, record.served >= maximumCallsPerHost {
            record.retiring = true
            slots[record.slot] = .replacing
            retires = record.slot
        }
        records[best.id] = record
        return .use(best.link, retires: retires)
    }

    /// The error of a call that no host will ever serve: the last slot's end.
    private var endError: BridgeError {
        for slot in slots.reversed() {
            if case .ended(let error) = slot { return error }
        }
        return .stopped(method: nil)
    }

    /// What the relay does once a call returned.
    struct Release {
        /// The host to stop gracefully now: it retired, and this was its last call.
        var retired: HostLink?
        /// Waiting calls, each with the host it goes to now (`heldCallsPerHost`).
        var handedOut = HandOut()
    }

    /// Waiting calls handed a host, and the slots whose hosts retired with them.
    struct HandOut {
        var resumed: [(Waiter, HostLink)] = []
        var retiring: [Int] = []
    }

    /// A call routed to `link` returned (or failed).
    mutating func release(_ link: HostLink) -> Release {
        let id = ObjectIdentifier(link)
        guard var record = records[id] else { return Release() }
        record.inFlight -= 1
        records[id] = record
        return Release(
            retired: record.retiring && record.inFlight == 0 ? link : nil,
            handedOut: heldCallsPerHost != nil ? handOut() : HandOut())
    }

    /// Gives waiting calls the hosts that can take them now, the longest waiting first.
    private mutating func handOut() -> HandOut {
        var handOut = HandOut()
        for id in waiters.keys.sorted() {
            guard case .use(let host, let retires) = lease() else { break }
            handOut.resumed.append((waiters.removeValue(forKey: id)!, host))
            if let retires { handOut.retiring.append(retires) }
        }
        return handOut
    }

    /// A call to `link` was abandoned for its time limit; the host may still run it.
    mutating func callTimedOut(_ link: HostLink) {
        records[ObjectIdentifier(link)]?.overdue += 1
    }

    /// The host of `link` answered the calls abandoned for their time limit (or was killed
    /// for them): it is as busy as its calls in flight again.
    /// - Returns: Waiting calls that it (or another host) takes now.
    mutating func overdueCallsAnswered(_ link: HostLink) -> HandOut {
        records[ObjectIdentifier(link)]?.overdue = 0
        return heldCallsPerHost != nil ? handOut() : HandOut()
    }

    /// A caller found no host (`lease()` said `.wait`) and waits; it gets a host as soon as
    /// one serves, unless `lease()` finds one now.
    /// - Returns: The lease to act on instead of waiting, or nil once the waiter is
    ///   registered under `id`.
    mutating func wait(_ waiter: Waiter, id: Int) -> Lease? {
        let lease = lease()
        guard case .wait = lease else { return lease }
        waiters[id] = waiter
        return nil
    }

    /// A number for the next waiter, taken before it suspends (its cancellation handler and
    /// its timer need it).
    mutating func newWaiterID() -> Int {
        nextWaiterID += 1
        return nextWaiterID
    }

    /// A waiter gave up (cancelled, out of time).
    /// - Returns: It, to resume with its error; nil if it has been resumed already.
    mutating func removeWaiter(_ id: Int) -> Waiter? {
        waiters.removeValue(forKey: id)
    }

    // MARK: Hosts

    /// A host serves `slot`: the first one, or a replacement that ran the `restarted` hook.
    /// - Returns: The waiters with the hosts they go to (most to this one), and the slots
    ///   whose hosts retired while they were handed out; nil if the bridge is stopping (then
    ///   the host must be stopped).
    mutating func serve(_ link: HostLink, slot: Int) -> HandOut? {
        guard !isStopping else { return nil }
        records[ObjectIdentifier(link)] = Record(link: link, slot: slot)
        slots[slot] = .serving(link)
        lastHosts[slot] = link
        return handOut()
    }

    /// What to do about a host that ended.
    enum Ending {
        case nothing
        /// Start a replacement for the slot.
        case replace(slot: Int)
        /// The slot gave up; fail these waiters (every one, when no slot can serve them).
        case gaveUp([Waiter])
    }

    /// The host `link` ended and was reaped.
    /// - Parameter error: The error its end means for calls (`hostExited`).
    mutating func ended(_ link: HostLink, error: BridgeError, now: ContinuousClock.Instant) -> Ending {
        let id = ObjectIdentifier(link)
        guard let record = records.removeValue(forKey: id) else { return .nothing }
        // A retired host's end was its graceful stop (or a crash after its last call was
        // routed): its replacement is already on the way.
        if record.retiring || isStopping { return .nothing }
        guard case .serving(let current) = slots[record.slot], current === link else { return .nothing }
        return crashed(slot: record.slot, error: error, now: now)
    }

    /// A replacement for `slot` failed to start (or its `restarted` hook threw): that counts as
    /// a crash of its own.
    mutating func replacementFailed(slot: Int, error: BridgeError, now: ContinuousClock.Instant) -> Ending {
        if isStopping { return .nothing }
        return crashed(slot: slot, error: error, now: now)
    }

    private mutating func crashed(slot: Int, error: BridgeError, now: ContinuousClock.Instant) -> Ending {
        if policy.allowsRestart(after: &restarts[slot], now: now) {
            restarts[slot].append(now)
            slots[slot] = .replacing
            return .replace(slot: slot)
        }
        slots[slot] = .ended(error)
        let anyLeft = slots.contains { if case .ended = $0 { false } else { true } }
        guard !anyLeft else { return .gaveUp([]) }
        defer { waiters = [:] }
        return .gaveUp(Array(waiters.values))
    }

    // MARK: The end

    /// `stop()`, or the bridge was released: no more calls, no more restarts.
    /// - Returns: The waiters to fail, and every host not yet gone, to stop.
    mutating func beginStopping() -> (waiters: [Waiter], hosts: [HostLink]) {
        isStopping = true
        let failed = Array(waiters.values)
        waiters = [:]
        for index in slots.indices { slots[index] = .ended(.stopped(method: nil)) }
        // Serving and retiring hosts alike; each is forgotten when it ends (`ended`).
        return (failed, records.values.map(\.link))
    }

    /// The hosts that serve now, by slot.
    var servingHosts: [HostLink] {
        slots.compactMap { if case .serving(let link) = $0 { link } else { nil } }
    }

    /// Whether a slot waits for a replacement.
    var isReplacing: Bool {
        slots.contains { if case .replacing = $0 { true } else { false } }
    }

    /// How many calls the hosts that serve run now; for tests.
    var callsInFlight: Int { servingHosts.reduce(0) { $0 + (records[ObjectIdentifier($1)]?.inFlight ?? 0) } }

    /// How many callers wait for a host; for tests.
    var waiterCount: Int { waiters.count }

    /// Forgets the hosts, once they are stopped or released, so that the connection the
    /// client holds (which holds the relay) no longer holds them.
    mutating func forgetHosts() {
        lastHosts = lastHosts.map { _ in nil }
    }
}

/// A blocked caller waiting for a host.
final class ThreadWaiter: Sendable {
    private let delivered = Locked<Result<HostLink, any Error>?>(nil)
    private let semaphore = DispatchSemaphore(value: 0)

    func deliver(_ result: Result<HostLink, any Error>) {
        delivered.withLock { $0 = result }
        semaphore.signal()
    }

    /// Waits until a host is handed over, or `deadline` (nil: for ever).
    /// - Returns: nil when time ran out first.
    func wait(until deadline: Moment?) -> Result<HostLink, any Error>? {
        guard let deadline else { return wait() }
        guard semaphore.wait(timeout: deadline.dispatchTime) == .success else { return nil }
        return delivered.withLock { $0 }
    }

    /// Waits for a hand-over that is under way.
    func wait() -> Result<HostLink, any Error> {
        semaphore.wait()
        return delivered.withLock { $0 }!
    }
}
