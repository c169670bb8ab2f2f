/// How a call that blocks its thread sees its task cancelled.
///
/// A blocking call made from async code runs on a task's thread, and that task's cancellation
/// bounds its wait as it bounds an async call's. No cancellation handler can be installed
/// without suspending, so such a call waits in slices of `interval` and looks at its task
/// between them: cancelled, it fails with `CancellationError` within `interval` (an async call
/// fails at once), and the host is told, as for an async call. A thread outside any task has
/// nothing to cancel it, and waits in one piece.
struct BlockingCancellation {
    /// Soon for a person; and 100 time-outs a second cost nothing measurable while a call
    /// waits (a reply that comes sooner ends the wait at once).
    static let interval: Duration = .milliseconds(10)

    private let inTask: Bool

    /// For the calling thread.
    init() {
        inTask = withUnsafeCurrentTask { $0 != nil }
    }

    /// Whether the calling thread's task was cancelled.
    var isCancelled: Bool { inTask && Task.isCancelled }

    /// How long a wait goes before it looks at the task: `interval` in a task, else nil.
    var look: Duration? { inTask ? Self.interval : nil }

    /// When a wait that ends at `deadline` (nil: never) wakes to look at the task.
    func nextLook(before deadline: Moment?) -> Moment? {
        guard inTask else { return deadline }
        let soon = Moment.now + Self.interval
        return deadline.map { min($0, soon) } ?? soon
    }

    /// Why a wait ends before what it waits for came.
    enum Stop {
        /// Its time limit passed: a call's reply is overdue from now on.
        case outOfTime
        /// Its task was cancelled: the host was asked to stop, nothing is overdue.
        case cancelled

        /// The error the wait fails with: `timedOut`, or `CancellationError`.
        func error(timedOut: @autoclosure () -> any Error) -> any Error {
            self == .outOfTime ? timedOut() : CancellationError()
        }
    }

    /// Why a wait that woke must end; nil while it may go on.
    func reasonToStop(deadline: Moment?) -> Stop? {
        if let deadline, deadline <= Moment.now { return .outOfTime }
        return isCancelled ? .cancelled : nil
    }
}
