/// The calls a callee runs, so that a cancel from the caller reaches the task of its call:
/// calls that run in tasks of their own, the one a serving task runs in turn, and cancels
/// that came before their call started.
package final class RunningCalls: Sendable {
    private struct State {
        var tasks: [UInt32: Task<Void, Never>] = [:]
        /// The call the serving task runs now.
        var inTurn: UInt32?
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
    package func start(
        _ callID: UInt32, _ call: @escaping @Sendable () async -> _WireWriter,
        whenDone reply: @escaping @Sendable (consuming _WireWriter) -> Void
    ) -> Bool {
        state.withLock { state in
            if Self.takeEarlyCancel(callID, from: &state) { return false }
            // Registered under the lock before it can finish and remove itself.
            state.tasks[callID] = Task {
                reply(await call())
                _ = self.state.withLock { $0.tasks.removeValue(forKey: callID) }
            }
            return true
        }
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
        state.withLock { $0.inTurn = nil }
    }

    /// Cancels the call's task, or the serving task while it runs the call; a call that has
    /// not started is skipped when it comes.
    package func cancel(_ callID: UInt32) {
        let cancel = state.withLock { state -> (@Sendable () -> Void)? in
            if let task = state.tasks[callID] { return { task.cancel() } }
            if state.inTurn == callID { return state.cancelServing }
            if state.early.count == Self.earlyCancelsKept { state.early.removeFirst() }
            state.early.append(callID)
            return nil
        }
        cancel?()
    }

    /// Waits until every call running in a task of its own has replied.
    package func waitForAll() async {
        while let task = state.withLock({ $0.tasks.values.first }) {
            await task.value
        }
    }

    /// Cancels every call running in a task of its own.
    package func cancelAll() {
        for task in state.withLock({ Array($0.tasks.values) }) { task.cancel() }
    }

    private static func takeEarlyCancel(_ callID: UInt32, from state: inout State) -> Bool {
        guard !state.early.isEmpty, let index = state.early.firstIndex(of: callID) else { return false }
        state.early.remove(at: index)
        return true
    }
}
