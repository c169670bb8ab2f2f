/// A task that runs a callee's concurrent calls one after another, and waits, parked, between
/// them: what `RunningCalls` hands a call to.
///
/// A task of its own per call cost a host 10 of the 15 heap allocations of a distributed call
/// (the task, its executor preference, and the slabs its frames outgrew) and most of the time
/// the call spent in the host. A parked runner is resumed without any: its task and its slabs
/// serve call after call. A call that suspends keeps its runner, so the next call takes another
/// one, or a new one: calls still run concurrently, as `BridgeConcurrentCalls` promises.
///
/// A runner whose call was cancelled retires once the call returns: a task cannot be
/// un-cancelled, and the next call must not see the cancel.
final class CallRunner: @unchecked Sendable {
    // Unchecked: every field is read and written under the lock of the `RunningCalls` that owns
    // the runner.
    /// The runner's task; set right after it is created, under the lock.
    var task: Task<Void, Never>?
    /// Resumes the parked runner with its next call, or with nil to end it.
    var parked: UnsafeContinuation<RunnableCall?, Never>?
    /// A new runner's first call, which its task takes from here: a call the task's closure
    /// captured would live, its arguments, descriptors and object with it, as long as the
    /// runner.
    var first: RunnableCall?
    /// The call it runs was cancelled: the runner ends after it.
    var cancelled = false

    init() {}
}

/// A call for a `CallRunner`: the request, the methods it calls, and where its reply goes.
///
/// The request itself, not a closure that captures it: a closure's context cost each call an
/// allocation, and kept the arguments' storage from being reused for the next frame.
struct RunnableCall: Sendable {
    var callID: UInt32
    var request: CallServing.Request
    var methods: BoundMethods
    /// The callee has a file size limit: the call lets `SIGXFSZ` through on its thread.
    var letsFileSizeSignalThrough: Bool
    var reply: @Sendable (consuming _WireWriter) -> Void
}
