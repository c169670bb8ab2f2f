/// The state of a connection's calls, as a state machine: which calls wait and how, which
/// streams are open, who holds the reading role, and whether the connection still carries
/// calls. Each event is a `mutating` method that returns what the connection must do once it
/// has released the lock that guards this value (resume a waiter, wake the event loop,
/// tell the host of a cancel). It touches no socket, thread or clock: time and cancellation
/// come in as arguments, so every interleaving can be tested without a process.
///
/// Reading the socket is a role one party holds at a time: a caller reading its own reply
/// (``Reader/caller(_:)``: a lone caller, or the task that sent a batch of calls), or the
/// connection's own reader (``Reader/ownReader``: a reader thread or the event loop). Whoever
/// gives the role up passes it to a blocked caller that still waits, else to the own reader if
/// anything waits, else to nobody (``handOff()``). Calls that go out in a batch leave the role
/// free until their batch is sent (``takeReadingForBatch(_:)``).
struct ConnectionState: Sendable {
    /// How the caller of a pending call waits for its reply.
    enum Waiter: Sendable {
        /// Unsafe rather than checked: a checked continuation allocates a canary per call, and
        /// its resilient layout makes every copy of a `Waiter` a run-time call. Each waiter is
        /// resumed exactly once, by whoever removes it from `pending` under the lock.
        case task(UnsafeContinuation<Frame, any Error>)
        case thread(BlockingReply)
        /// The caller holds the reading role and will read this reply itself.
        case reading
        /// The caller has not suspended yet: the reply is kept for it.
        case early
        case arrived(Frame)
        /// The caller gave up (cancelled, or out of time) before it suspended.
        case abandoned(any Error)

        /// Resumes a suspended task or a blocked thread; the other cases have nobody to wake.
        func resume(with result: Result<Frame, any Error>) {
            switch self {
            case .task(let continuation): continuation.resume(with: result)
            case .thread(let reply): reply.deliver(.reply(result))
            case .reading, .early, .arrived, .abandoned: break
            }
        }
    }

    struct Pending: Sendable {
        var waiter: Waiter
        /// The method's signature, to name it in errors; nil for the handshake.
        var method: String?
    }

    /// Who reads the socket now.
    enum Reader: Equatable, Sendable {
        case nobody
        case caller(UInt32)
        /// The connection's own reader: one of the reader threads, or the event loop when they
        /// are all busy (`ConnectionReaders`); in a host's side channel, its one reader thread.
        case ownReader
    }

    /// Why the connection no longer carries calls.
    enum Closure: Sendable {
        case stopping
        case ended(BridgeError)

        /// - Parameter waiting: Whether the call was in flight; false for one made after.
        func error(for method: String?, waiting: Bool = true) -> BridgeError {
            switch self {
            case .stopping: .stopped(method: method)
            case .ended(let error): error.naming(method, waiting: waiting)
            }
        }
    }

    /// What the party giving up the reading role must do once the lock is released.
    enum HandOff: Sendable {
        case nothing
        case lead(BlockingReply)
        case wakeOwnReader
    }

    private(set) var pending: [UInt32: Pending] = [:]
    /// The streams that calls returned, by call id, from the call's start until the stream
    /// ends or its consumer leaves. While one is open somebody reads.
    private(set) var streams: [UInt32: StreamInbox] = [:]
    private(set) var closure: Closure?
    private(set) var reader = Reader.nobody
    /// Tasks resumed with their replies that have not run yet: they are likely to call again at
    /// once, so a call made meanwhile is not a lone call (`FrameTransport.noteLoneCall(_:)`).
    private(set) var resumedTasks = 0
    /// How many pending waiters are blocked threads, which can take the reading role.
    private(set) var blockedCallers = 0
    /// The socket reached its end and the host was reaped; the own reader lets go of it.
    private(set) var ended = false
    /// An own reader (a reader thread or the event loop) is reading now, holding the role: a
    /// second one woken for the connection goes back to sleep.
    private(set) var ownReaderAwake = false
    /// This end was shut down (`disconnect()`): the own reader reads its end now, even
    /// with no call in flight, rather than wait for a host that may be busy to exit.
    private(set) var disconnected = false
    /// The id the next call gets, unless it is still in use.
    private var nextCallID: UInt32 = 1
    /// The largest call id; the ids go round to 1 after it.
    private let largestCallID: UInt32
    /// Whether the call ids have gone round: from then on a new id may still be in use.
    private var callIDsWrapped = false
    /// Calls sent and abandoned for their time limit whose late replies have not come: the
    /// host may still run them. A bridge with a restart policy kills a host that still runs one
    /// after a grace period (`HostRelay`: a runaway call). Kept only with `tracksOverdueCalls`,
    /// filled only on the time-out path, and looked at by a reply only when it is not empty.
    /// While it is not empty somebody reads, so that a late reply is seen when it comes; that
    /// lasts until the reply comes or the host is killed for it, `stopTimeout` later.
    private(set) var overdue: Set<UInt32> = []
    /// Whether `overdue` is kept: for the hosts of a bridge with a restart policy only, so that
    /// no other bridge keeps a reader on a host that never answers.
    private let tracksOverdueCalls: Bool
    /// Whether a task whose call is the only one reads its own reply, holding its thread for up
    /// to `ownReplyWait`. True but for a pool's hosts: there, the callers of several hosts at
    /// once would hold the concurrency pool's few threads, each waiting for its own host, and
    /// the hosts would run no more calls at once than the pool has threads.
    private let loneTasksReadTheirReplies: Bool
    /// How calls made at once go out and come back: in batches their sender reads, in a
    /// process on one CPU.
    private var company: CallCompany
    /// The call of the task that sent a batch and reads its replies, while it does.
    private var batchReader: UInt32?

    /// - Parameters:
    ///   - readsOnlyOnThread: The reader thread holds the reading role for good.
    ///   - largestCallID: The largest call id (tests make the ids go round sooner).
    ///   - tracksOverdueCalls: Keep `overdue`.
    ///   - loneTasksReadTheirReplies: A task whose call is the only one reads its reply itself.
    ///   - batches: Calls made at once go out in batches that their sender reads
    ///     (`CallCompany`): in a process on one CPU.
    init(
        readsOnlyOnThread: Bool = false, largestCallID: UInt32 = .max, tracksOverdueCalls: Bool = false,
        loneTasksReadTheirReplies: Bool = true, batches: Bool = false
    ) {
        company = CallCompany(batches: batches)
        if readsOnlyOnThread { reader = .ownReader }
        self.largestCallID = max(largestCallID, 1)
        self.tracksOverdueCalls = tracksOverdueCalls
        self.loneTasksReadTheirReplies = loneTasksReadTheirReplies
    }

    /// Notes a call abandoned for its time limit after it was sent.
    private mutating func noteOverdue(_ callID: UInt32) {
        if tracksOverdueCalls { overdue.insert(callID) }
    }

    // MARK: Registering calls

    /// A new call's id: never 0 (the handshake's), and never one that a call or an open
    /// stream still uses, also once the ids have gone round. (Until they do, every id is new,
    /// and no look-up is paid. Four billion calls or streams at once cannot be.)
    private mutating func newCallID() -> UInt32 {
        while true {
            let id = nextCallID
            if nextCallID == largestCallID {
                nextCallID = 1
                callIDsWrapped = true
            } else {
                nextCallID += 1
            }
            if !callIDsWrapped || (pending[id] == nil && streams[id] == nil) { return id }
        }
    }

    /// How a task's call was registered.
    struct TaskRegistration {
        var callID: UInt32
        /// The caller holds the reading role: it reads its own reply.
        var readsOwnReply: Bool
        /// The call goes out with others (`sendInBatch`): other calls are in flight, or about
        /// to be (tasks resumed with replies that have yet to run, or company expected).
        var goesOutWithOthers: Bool
        var handOff: HandOff
    }

    /// A call made by a task (or the handshake, `method` nil) begins: it reads its own reply
    /// if it is the only call and nobody reads; else it waits, not yet suspended.
    /// - Parameters:
    ///   - stream: Where the stream the call returns goes.
    ///   - onPool: The caller runs on the concurrency pool, not on an actor: tasks that call
    ///     at once can send their calls together (`CallCompany`).
    ///   - large: The call's frame is large (`LargeBuffers.threshold` or more): it never joins
    ///     a batch, which copies each frame into the outbox (4 tasks echoing 64 KiB to 2 MiB
    ///     at once on one CPU took 1.3-1.9 times as long in batches), and it waits for no
    ///     company. It is written at once, or, while another thread writes, added to the
    ///     outbox as any call is. Made alone (even while tasks resumed with replies have yet
    ///     to run), it reads its own reply, holding its thread until the reply comes.
    /// - Throws: The closure's error once the connection no longer carries calls.
    mutating func registerTask(
        method: String?, stream: StreamInbox? = nil, onPool: Bool = false, large: Bool = false
    ) throws(BridgeError) -> TaskRegistration {
        if let closure { throw closure.error(for: method, waiting: false) }
        let callID = method == nil ? 0 : newCallID()
        if let stream { streams[callID] = stream }
        let othersInFlight = !pending.isEmpty || (!large && companyIsComing(onPool: onPool, handshake: method == nil))
        let goesOutWithOthers = othersInFlight && !large
        guard reader == .nobody else {
            pending[callID] = Pending(waiter: .early, method: method)
            return TaskRegistration(callID: callID, readsOwnReply: false, goesOutWithOthers: goesOutWithOthers, handOff: .nothing)
        }
        // Only a lone caller reads at once: one that blocks a pool thread while other tasks
        // wait to run would keep them from sending their calls together. A call that goes out
        // with others leaves the role to whoever sends the batch (`takeReadingForBatch`),
        // which reads on the thread that runs the callers, so that no other thread is woken to
        // read and then to wake them. The handshake leaves reading to the own reader.
        if goesOutWithOthers && method != nil && loneTasksReadTheirReplies && company.senderReads {
            pending[callID] = Pending(waiter: .early, method: method)
            return TaskRegistration(callID: callID, readsOwnReply: false, goesOutWithOthers: true, handOff: .nothing)
        }
        if othersInFlight || method == nil || !loneTasksReadTheirReplies {
            pending[callID] = Pending(waiter: .early, method: method)
            reader = .ownReader
            return TaskRegistration(callID: callID, readsOwnReply: false, goesOutWithOthers: goesOutWithOthers, handOff: .wakeOwnReader)
        }
        reader = .caller(callID)
        pending[callID] = Pending(waiter: .reading, method: method)
        return TaskRegistration(callID: callID, readsOwnReply: true, goesOutWithOthers: false, handOff: .nothing)
    }

    /// With nothing in flight, whether other calls are about to be made, in a process that
    /// sends calls in batches: tasks resumed with replies that have yet to run call again at
    /// once, and a lone task on the pool may wait a turn for company (`CallCompany`).
    private mutating func companyIsComing(onPool: Bool, handshake: Bool) -> Bool {
        guard company.batches else { return false }
        return resumedTasks > 0 || (onPool && reader == .nobody && !handshake && company.waitsForCompany())
    }

    /// How a blocked caller's call was registered.
    enum ThreadRegistration: Equatable {
        /// The caller holds the reading role: it reads its own reply.
        case reads(callID: UInt32)
        /// Another party reads: the caller blocks on its `BlockingReply`.
        case waits(callID: UInt32)
        /// Another party reads, and the caller gave no `BlockingReply` to block on: nothing
        /// was registered; try again with one. (Most blocking calls read their own reply, so
        /// they need not allocate one.)
        case needsReply

    }

    /// A call made by a thread that blocks begins: it reads its own reply if nobody reads,
    /// else it blocks on `reply` until its reply, or the reading role, is handed to it.
    mutating func registerThread(method: String, reply: BlockingReply?) throws(BridgeError) -> ThreadRegistration {
        if let closure { throw closure.error(for: method, waiting: false) }
        if reader == .nobody {
            let callID = newCallID()
            reader = .caller(callID)
            pending[callID] = Pending(waiter: .reading, method: method)
            return .reads(callID: callID)
        }
        guard let reply else { return .needsReply }
        let callID = newCallID()
        pending[callID] = Pending(waiter: .thread(reply), method: method)
        blockedCallers += 1
        return .waits(callID: callID)
    }

    // MARK: Waiting

    /// What a task about to suspend for its reply finds.
    struct Suspension {
        var handOff: HandOff
        /// What the task resumes with at once, instead of suspending.
        var ready: Result<Frame, any Error>?
        /// The task gave up before it suspended: the host must be told.
        var gaveUp: Bool
    }

    /// A task suspends for the reply to `callID` on `continuation`, unless the reply or an
    /// error is already here, or it was cancelled or ran out of time while it read its own
    /// reply (then nobody else could fail it).
    /// - Parameters:
    ///   - handingOverReading: The caller held the reading role and gives it up.
    ///   - isCancelled: The task is cancelled.
    ///   - timedOut: The call's error if its deadline has passed.
    mutating func suspend(
        _ callID: UInt32, on continuation: UnsafeContinuation<Frame, any Error>, method: String?,
        handingOverReading: Bool, isCancelled: Bool, timedOut: @autoclosure () -> BridgeError?
    ) -> Suspension {
        var ready: Result<Frame, any Error>?
        var gaveUp = false
        switch pending[callID]?.waiter {
        case .arrived(let frame)?:
            pending.removeValue(forKey: callID)
            ready = .success(frame)
        case .abandoned(let error)?:
            pending.removeValue(forKey: callID)
            ready = .failure(error)
        case nil:
            // Taken away by cancellation or by the end of the connection.
            ready = .failure(closure?.error(for: method) ?? CancellationError())
        default:
            if isCancelled {
                ready = .failure(CancellationError())
            } else if let error = timedOut() {
                ready = .failure(error)
                noteOverdue(callID)
            }
            if ready != nil {
                pending.removeValue(forKey: callID)
                gaveUp = true
            } else {
                pending[callID]!.waiter = .task(continuation)
            }
        }
        return Suspension(handOff: handingOverReading ? handOff() : .nothing, ready: ready, gaveUp: gaveUp)
    }

    /// A blocked caller ran out of time, or its task was cancelled: it stops waiting unless
    /// its reply or the reading role was just handed to it.
    /// - Parameter overdue: The call was sent and ran out of time: its reply is overdue from
    ///   now on.
    /// - Returns: Whether it stopped waiting (and must tell the host).
    mutating func giveUpWaiting(_ callID: UInt32, overdue: Bool) -> Bool {
        guard case .thread = pending[callID]?.waiter else { return false }
        pending.removeValue(forKey: callID)
        blockedCallers -= 1
        if overdue { noteOverdue(callID) }
        return true
    }

    /// A task's call fails with `error` now (cancelled, out of time); a reply already here
    /// wins.
    /// - Returns: The waiter to resume with `error`, and then tell the host; nil if there is
    ///   nothing to do.
    /// A `BridgeError` is the call's time limit (a cancel is `CancellationError`): the reply is
    /// overdue from now on.
    mutating func abandon(_ callID: UInt32, because error: any Error) -> Waiter? {
        switch pending[callID]?.waiter {
        case .task?:
            if error is BridgeError { noteOverdue(callID) }
            return pending.removeValue(forKey: callID)?.waiter
        case .early?:
            // The caller finds this when it suspends.
            pending[callID]!.waiter = .abandoned(error)
            if error is BridgeError { noteOverdue(callID) }
            return .early
        default:
            return nil
        }
    }

    /// A call just registered is not sent after all (it had no time at all): it ends, and
    /// the role passes on if it held it.
    mutating func withdraw(_ callID: UInt32) -> HandOff {
        pending.removeValue(forKey: callID)
        return reader == .caller(callID) ? handOff() : .nothing
    }

    // MARK: The reading role

    /// What a task that sent a batch of calls (or whose call went out in another's write)
    /// does about reading.
    enum BatchReading {
        /// It holds the reading role now, and reads its own reply.
        case reads
        /// Somebody else reads; it waits for its reply, after doing `handOff`.
        case waits(HandOff)
    }

    /// A batch of calls is about to be written (or is being written by a writer that runs): if
    /// nobody reads, the task whose call goes out in it takes the reading role for its own call,
    /// or, if its call is gone (the connection ended), passes the role on.
    mutating func takeReadingForBatch(_ callID: UInt32) -> BatchReading {
        company.batchSent(callsInFlight: pending.count)
        guard reader == .nobody else { return .waits(.nothing) }
        guard case .early? = pending[callID]?.waiter else { return .waits(handOff()) }
        batchReader = callID
        reader = .caller(callID)
        pending[callID]!.waiter = .reading
        return .reads
    }

    /// The caller that holds the reading role has its reply: its call ends, and the role
    /// passes on.
    /// - Parameter overdue: The caller ran out of time before its reply came.
    mutating func stopReading(for callID: UInt32, overdue isOverdue: Bool = false) -> HandOff {
        pending.removeValue(forKey: callID)
        if isOverdue { noteOverdue(callID) }
        return handOff()
    }

    /// Gives up the reading role: to a blocked caller if one waits, else to the own reader
    /// if any call waits, any stream is open or the connection was shut down, else to nobody.
    mutating func handOff() -> HandOff {
        if case .caller(let callID) = reader, callID == batchReader {
            batchReader = nil
            company.senderStoppedReading(othersWaiting: !pending.isEmpty)
        }
        // With nothing waiting nobody need read, unless the connection was shut down (its host
        // ended): the event loop told of that once, maybe while this caller read, and whoever
        // reads next must read the end, so that the connection ends and its host is reaped.
        if pending.isEmpty && streams.isEmpty && overdue.isEmpty && !disconnected {
            reader = .nobody
            return .nothing
        }
        if blockedCallers > 0 {
            for (callID, pending) in pending {
                guard case .thread(let reply) = pending.waiter else { continue }
                self.pending[callID]!.waiter = .reading
                blockedCallers -= 1
                reader = .caller(callID)
                return .lead(reply)
            }
        }
        reader = .ownReader
        return .wakeOwnReader
    }

    /// Where a reply goes.
    enum ReplyRoute {
        /// To its waiter, which is resumed with it.
        case waiter(Waiter)
        /// To the stream the call returned: the reply ends it.
        case stream
        /// Kept for a caller that has not suspended yet, or dropped: its caller left.
        case nowhere
        /// No call ever had this id: the other side sent a reply nobody asked for.
        case neverIssued
    }

    /// Whether some call had `callID` (once the ids have gone round, any may have).
    private func wasIssued(_ callID: UInt32) -> Bool {
        callIDsWrapped || (callID != 0 && callID < nextCallID)
    }

    /// A reply (`.returned` or `.threw`) arrived.
    mutating func replyArrived(_ frame: Frame) -> ReplyRoute {
        guard let pending = pending[frame.callID] else {
            // A late reply: the host no longer runs the call.
            if !overdue.isEmpty { overdue.remove(frame.callID) }
            // A call's id names its stream once the reply is in: this ends the stream.
            if streams[frame.callID] != nil { return .stream }
            // A reply for a call that was cancelled or ran out of time may come late, but one
            // for a call never made says the other side cannot be trusted.
            return wasIssued(frame.callID) ? .nowhere : .neverIssued
        }
        switch pending.waiter {
        case .early:
            self.pending[frame.callID]!.waiter = .arrived(frame)
            return .nowhere
        case .abandoned:
            if !overdue.isEmpty { overdue.remove(frame.callID) }
            return .nowhere  // its caller, about to suspend, removes it
        case .reading, .arrived:
            // The caller has its reply already: this ends its stream.
            return .stream
        case .thread:
            blockedCallers -= 1
        case .task:
            resumedTasks += 1
        }
        self.pending.removeValue(forKey: frame.callID)
        return .waiter(pending.waiter)
    }

    /// A task resumed with its reply (by `replyArrived`) runs.
    mutating func resumedTaskRuns() {
        assert(resumedTasks > 0, "a task ran that no reply resumed")
        resumedTasks -= 1
    }

    /// Whether one call is in flight, read by its own caller, with no task resumed with a reply
    /// that has yet to run: a lone call, whose caller and host take turns on one CPU by
    /// yielding it (`FrameTransport.noteLoneCall(_:)`).
    var isLoneCall: Bool {
        guard case .caller = reader else { return false }
        return pending.count == 1 && resumedTasks == 0
    }

    // MARK: Streams

    /// The open stream of `callID`, removed if `ends`; nil if it is closed or its consumer
    /// left.
    mutating func stream(_ callID: UInt32, ends: Bool) -> StreamInbox? {
        ends ? streams.removeValue(forKey: callID) : streams[callID]
    }

    /// Whether `inbox` is still the open stream of `callID`.
    func isOpen(_ callID: UInt32, _ inbox: StreamInbox) -> Bool {
        streams[callID] === inbox
    }

    /// The consumer of a stream leaves, or its call failed.
    /// - Returns: Whether the stream was still open (then the host must be told to stop it).
    mutating func closeStream(_ callID: UInt32, _ inbox: StreamInbox? = nil) -> Bool {
        guard let open = streams[callID], inbox == nil || open === inbox else { return false }
        streams.removeValue(forKey: callID)
        return true
    }

    // MARK: The own reader

    /// What an own reader does on waking for this connection.
    enum OwnReaderTurn: Equatable {
        /// The connection has ended: forget it.
        case exit
        /// A caller or another own reader reads, or nothing waits: sleep again.
        case sleep
        /// Read, for every waiting caller; to the end of the connection if `untilTheEnd`.
        case read(untilTheEnd: Bool)
    }

    /// An own reader woke for this connection: the role was handed to it, or the connection
    /// was shut down (the host ended).
    mutating func ownReaderWoke() -> OwnReaderTurn {
        if ended { return .exit }
        if ownReaderAwake { return .sleep }
        switch reader {
        case .ownReader:
            ownReaderAwake = true
            return .read(untilTheEnd: disconnected)
        case .nobody where disconnected:
            // Nobody reads to see the end: the own reader takes the role to read it.
            reader = .ownReader
            ownReaderAwake = true
            return .read(untilTheEnd: true)
        default:
            return .sleep
        }
    }

    /// The own reader, reading for others, finds nothing waiting.
    /// - Returns: Whether it gave up the role (nothing is pending and no stream is open).
    mutating func ownReaderIdles() -> Bool {
        // A shut-down connection is read to its end, waiting calls or not (see `handOff()`).
        guard pending.isEmpty && streams.isEmpty && overdue.isEmpty && !disconnected else { return false }
        reader = .nobody
        ownReaderAwake = false
        return true
    }

    // MARK: The end

    /// Later calls fail with `.stopped`; calls already sent still get their replies.
    mutating func beginStopping() {
        if closure == nil { closure = .stopping }
    }

    /// Later calls fail with `error`; calls already sent still get their replies.
    mutating func refuseCalls(with error: BridgeError) {
        if closure == nil { closure = .ended(error) }
    }

    /// This end was shut down: whoever reads sees the end.
    mutating func disconnect() {
        disconnected = true
    }

    /// What ending the connection leaves to do.
    struct Ending {
        /// Why the connection ended.
        var closure: Closure
        /// The waiters to fail with the closure's error.
        var failed: [Pending]
        /// The open streams, to end with the closure's error.
        var streams: [StreamInbox]
    }

    /// The connection ended: the host closed its end (`error` nil; `disconnected` says how
    /// the host ended), or sent a malformed frame (`error`). A stop in progress stays the
    /// reason. Replies and errors that came before their callers suspended stay theirs.
    mutating func end(because error: BridgeError?, disconnected: BridgeError) -> Ending {
        let closure: Closure =
            switch (error, self.closure) {
            case (let error?, _): .ended(error)
            case (nil, .stopping?): .stopping
            case (nil, .ended(let error)?): .ended(error)
            case (nil, nil): .ended(disconnected)
            }
        self.closure = closure
        ended = true
        overdue = []
        reader = .nobody
        ownReaderAwake = false
        blockedCallers = 0
        func isKept(_ pending: Pending) -> Bool {
            switch pending.waiter {
            case .arrived, .abandoned: true
            default: false
            }
        }
        let failed = pending.values.filter { !isKept($0) }
        pending = pending.filter { isKept($0.value) }
        defer { streams = [:] }
        return Ending(closure: closure, failed: failed, streams: Array(streams.values))
    }
}
