/// The calls a callee runs, so that a cancel from the caller reaches the task of its call:
/// calls that run in tasks of their own, the one a serving task runs in turn, the streams that
/// calls returned, and cancels that came before their call started.
package final class RunningCalls: Sendable {
    private struct Producer {
        var task: Task<Void, Never>
        var credit: StreamCredit
    }

    private struct State {
        var tasks: [UInt32: Task<Void, Never>] = [:]
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

    private static let earlyCancelsKept = 1024
    private let state = Locked(State())

    package init() {}

    /// Runs a call in a task of its own, unless it was cancelled before it started.
    /// - Returns: False when the call was cancelled already: nothing runs.
    @discardableResult
    /// - Parameter executor: The task's executor preference: a `ServingExecutor` to start the
    ///   call in place; nil for the global executor.
    package func start(
        _ callID: UInt32, on executor: (any TaskExecutor)? = nil, _ call: @escaping @Sendable () async -> _WireWriter,
        whenDone reply: @escaping @Sendable (consuming _WireWriter) -> Void
    ) -> Bool {
        state.withLock { state in
            if Self.takeEarlyCancel(callID, from: &state) { return false }
            // Registered under the lock before it can finish and remove itself.
            state.tasks[callID] = Task(executorPreference: executor) {
                var frame = await call()
                let stream = frame.attachedStream.take()
                reply(frame)
                if let stream { self.produce(stream, callID: callID, send: reply) }
                self.state.withLock { state in
                    state.tasks.removeValue(forKey: callID)
                    if !state.cancelled.isEmpty { state.cancelled.remove(callID) }
                }
            }
            return true
        }
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
            if let task = state.tasks[callID] {
                state.cancelled.insert(callID)
                return { task.cancel() }
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

    /// Waits until every call running in a task of its own has replied, and every stream's
    /// producer has returned.
    package func waitForAll() async {
        while let task = state.withLock({ $0.tasks.values.first ?? $0.producers.values.first?.task }) {
            await task.value
        }
    }

    /// Cancels every call running in a task of its own and every stream's producer, and
    /// produces no more streams: for a callee whose caller is gone.
    package func cancelAll() {
        let tasks = state.withLock { state in
            state.streamsEnded = true
            return Array(state.tasks.values) + state.producers.values.map(\.task)
        }
        for task in tasks { task.cancel() }
    }

    private static func takeEarlyCancel(_ callID: UInt32, from state: inout State) -> Bool {
        guard !state.early.isEmpty, let index = state.early.firstIndex(of: callID) else { return false }
        state.early.remove(at: index)
        return true
    }
}
