/// The calls a callee runs, so that a cancel from the caller reaches the task of its call:
/// calls that run concurrently, each on a runner (`CallRunner`), the one a serving task runs in
/// turn, the streams that calls returned, and cancels that came before their call started.
package final class RunningCalls: Sendable {
    private struct Producer {
        var task: Task<Void, Never>
        var credit: StreamCredit
    }

    private struct State {
        /// The runners that run calls now, by the call each runs.
        var busy: [UInt32: CallRunner] = [:]
        /// Runners parked between calls, for the next calls.
        var idle: [CallRunner] = []
        /// Parked runners are no longer kept: the callee is stopping, or its caller is gone.
        var runnersEnded = false
        /// Waiting for the running calls to end (`waitForAll`).
        var callsEndedWaiters: [UnsafeContinuation<Void, Never>] = []
        /// The call the serving task runs now.
        var inTurn: UInt32?
        /// Running calls that were cancelled: a stream such a call returns is not produced.
        var cancelled: Set<UInt32> = []
        /// The tasks that produce streams, by the call that returned the stream.
        var producers: [UInt32: Producer] = [:]
        /// The callee is stopping: streams are no longer produced.
        var streamsEnded = false
        /// Cancels the serving task.
        var cancelServing: (@Sendable () -> Void)?
        /// Cancels whose calls had not started, oldest first. A cancel can also cross its
        /// call's reply and stay here; the oldest go once there are many.
        var early: [UInt32] = []
    }

    /// The most runners kept parked: as many as calls ran at once, up to this.
    private static let idleRunnersKept = 16
    private static let earlyCancelsKept = 1024
    private let state = Locked(State())

    package init() {}

    /// Runs a call on a runner of its own (`CallRunner`): a parked one, or a new task; unless
    /// it was cancelled before it started.
    /// - Parameters:
    ///   - request: The call, consumed: its arguments' storage is kept for the runner's thread
    ///     once the call has run (`FrameStorage`), which another copy would make impossible.
    ///   - methods: What the call's method id names.
    ///   - executor: The executor preference of a new runner's task: a `ServingExecutor` to
    ///     start calls in place; nil for the global executor. Every call of one `RunningCalls`
    ///     names the same, as parked runners keep theirs.
    ///   - lettingFileSizeSignalThrough: The callee has a file size limit (`SIGXFSZ`).
    ///   - reply: Writes the reply.
    /// - Returns: False when the call was cancelled already: nothing runs.
    @discardableResult
    package func start(
        _ callID: UInt32, _ request: consuming CallServing.Request, on methods: BoundMethods, executor: (any TaskExecutor)? = nil,
        lettingFileSizeSignalThrough: Bool = false, whenDone reply: @escaping @Sendable (consuming _WireWriter) -> Void
    ) -> Bool {
        enum Start {
            case cancelledAlready
            case parkedRunner(UnsafeContinuation<RunnableCall?, Never>)
            case newRunner
        }
        // Moved, never copied, from here to the runner: one owner of the arguments' storage.
        var work: RunnableCall? = RunnableCall(
            callID: callID, request: consume request, methods: methods, letsFileSizeSignalThrough: lettingFileSizeSignalThrough, reply: reply)
        let start = state.withLock { state -> Start in
            if Self.takeEarlyCancel(callID, from: &state) { return .cancelledAlready }
            // The runner parked longest takes the call: every kept runner serves in turn.
            if !state.idle.isEmpty, let parked = state.idle[0].parked.take() {
                state.busy[callID] = state.idle.removeFirst()
                return .parkedRunner(parked)
            }
            // Registered under the lock before it can finish its call and look for itself.
            let runner = CallRunner()
            runner.first = work.take()
            state.busy[callID] = runner
            runner.task = Task(executorPreference: executor) { await self.run(on: runner) }
            return .newRunner
        }
        switch start {
        case .cancelledAlready:
            return false
        case .parkedRunner(let parked):
            // Outside the lock: the runner's job is enqueued, on the serving thread's executor
            // when calls start in place.
            parked.resume(returning: work.take())
        case .newRunner:
            break
        }
        return true
    }

    /// A runner's life: runs its call, replies, and parks for the next, until it is not kept.
    /// No binding here holds a call: each is moved into `run(_:)` and ends there, so that a
    /// parked runner keeps nothing of the calls it ran.
    /// On the executor of the runner's task, as are `run(_:)` and `park`: under a task
    /// executor preference (a host's `ServingExecutor`), every hop between executors takes the
    /// task's status lock, and a function that is not `nonisolated(nonsending)` hops on entry
    /// and on return.
    nonisolated(nonsending) private func run(on runner: CallRunner) async {
        var next = state.withLock { _ in runner.first.take() }
        while next != nil {
            let callID = await run(next.take()!)
            next = await park(runner, after: callID)
        }
    }

    /// Runs one call and replies; returns its id.
    nonisolated(nonsending) private func run(_ work: consuming RunnableCall) async -> UInt32 {
        if work.letsFileSizeSignalThrough { System.letFileSizeSignalThrough() }
        var frame = await CallServing.perform(work.request, callID: work.callID, on: work.methods)
        // Nobody else holds the arguments now: their storage serves this thread's next frame.
        FrameStorage.keep(work.request.arguments.takeBytes())
        let stream = frame.attachedStream.take()
        // Consumed: the storage has one owner, and the writer of the reply keeps it.
        work.reply(consume frame)
        if let stream { produce(stream, callID: work.callID, send: work.reply) }
        return work.callID
    }

    /// Ends `runner`'s call, and parks it until the next call comes; nil when it is not kept.
    nonisolated(nonsending) private func park(_ runner: CallRunner, after callID: UInt32) async -> RunnableCall? {
        await withUnsafeContinuation { continuation in
            let (kept, waiters) = state.withLock { state in
                state.busy.removeValue(forKey: callID)
                if !state.cancelled.isEmpty { state.cancelled.remove(callID) }
                var waiters: [UnsafeContinuation<Void, Never>] = []
                if state.busy.isEmpty { swap(&waiters, &state.callsEndedWaiters) }
                guard !runner.cancelled, !state.runnersEnded, state.idle.count < Self.idleRunnersKept else {
                    return (false, waiters)
                }
                runner.parked = continuation
                state.idle.append(runner)
                return (true, waiters)
            }
            for waiter in waiters { waiter.resume() }
            if !kept { continuation.resume(returning: nil) }
        }
    }

    /// How many runners are parked now: for tests.
    package var parkedRunners: Int { state.withLock { $0.idle.count } }

    /// Ends the parked runners, and keeps none from now on.
    private func endRunners() {
        let parked = state.withLock { state in
            state.runnersEnded = true
            defer { state.idle.removeAll() }
            return state.idle.compactMap { $0.parked.take() }
        }
        for runner in parked { runner.resume(returning: nil) }
    }

    /// Produces a stream that a call returned, in a task of its own, after the call's reply
    /// was sent; unless the call was cancelled, or the callee is stopping.
    /// - Parameter send: Writes the stream's frames.
    package func produce(_ stream: AttachedStream, callID: UInt32, send: @escaping @Sendable (consuming _WireWriter) -> Void) {
        state.withLock { state in
            guard !state.streamsEnded, !state.cancelled.contains(callID), !Self.takeEarlyCancel(callID, from: &state) else { return }
            let credit = StreamCredit()
            state.producers[callID] = Producer(
                task: Task {
                    await stream.produce(callID: callID, credit: credit, send: send)
                    self.state.withLock { state in
                        if state.producers[callID]?.credit === credit { state.producers.removeValue(forKey: callID) }
                    }
                },
                credit: credit)
        }
    }

    /// Takes a `.credit` frame: the consumer of the call's stream takes more elements.
    package func credit(_ frame: Frame) {
        guard let count = StreamCredit.count(in: frame) else { return }
        state.withLock { $0.producers[frame.callID]?.credit }?.grant(count)
    }

    /// Cancels every stream's producer, and produces no more: for a callee that stops.
    package func endStreams() {
        let producers = state.withLock { state in
            state.streamsEnded = true
            return Array(state.producers.values)
        }
        for producer in producers { producer.task.cancel() }
    }

    /// Names the task that runs calls in turn, so that a cancel can interrupt it.
    package func serve(cancellingWith cancel: @escaping @Sendable () -> Void) {
        state.withLock { $0.cancelServing = cancel }
    }

    /// The serving task starts `callID`, unless it was cancelled before it started.
    /// - Returns: False when the call was cancelled already: skip it.
    package func beginInTurn(_ callID: UInt32) -> Bool {
        state.withLock { state in
            if Self.takeEarlyCancel(callID, from: &state) { return false }
            state.inTurn = callID
            return true
        }
    }

    /// The serving task finished its call.
    package func endInTurn() {
        state.withLock { state in
            if !state.cancelled.isEmpty, let callID = state.inTurn { state.cancelled.remove(callID) }
            state.inTurn = nil
        }
    }

    /// Cancels the call's task, or the serving task while it runs the call, and the producer
    /// of the stream it returned; a call that has not started is skipped when it comes.
    package func cancel(_ callID: UInt32) {
        let cancel = state.withLock { state -> (@Sendable () -> Void)? in
            if let producer = state.producers[callID] { return { producer.task.cancel() } }
            if let runner = state.busy[callID] {
                state.cancelled.insert(callID)
                runner.cancelled = true
                return { runner.task?.cancel() }
            }
            if state.inTurn == callID {
                state.cancelled.insert(callID)
                return state.cancelServing
            }
            if state.early.count == Self.earlyCancelsKept { state.early.removeFirst() }
            state.early.append(callID)
            return nil
        }
        cancel?()
    }

    /// Waits until every call running on a runner has replied, and every stream's producer
    /// has returned; ends the parked runners.
    package func waitForAll() async {
        await withUnsafeContinuation { continuation in
            let ended = state.withLock { state in
                if state.busy.isEmpty { return true }
                state.callsEndedWaiters.append(continuation)
                return false
            }
            if ended { continuation.resume() }
        }
        endRunners()
        // A call registers the producer of the stream it returned before its runner parks.
        while let task = state.withLock({ $0.producers.values.first?.task }) {
            await task.value
        }
    }

    /// Cancels every call running on a runner and every stream's producer, and produces no
    /// more streams: for a callee whose caller is gone.
    package func cancelAll() {
        let tasks = state.withLock { state in
            state.streamsEnded = true
            for runner in state.busy.values { runner.cancelled = true }
            return state.busy.values.compactMap(\.task) + state.producers.values.map(\.task)
        }
        for task in tasks { task.cancel() }
        endRunners()
    }

    private static func takeEarlyCancel(_ callID: UInt32, from state: inout State) -> Bool {
        guard !state.early.isEmpty, let index = state.early.firstIndex(of: callID) else { return false }
        state.early.remove(at: index)
        return true
    }
}
