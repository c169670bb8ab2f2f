import Synchronization

/// The task executor of the calls a host starts in place: the serving loop runs what the calls
/// enqueue on it, on its own thread, before it reads the next frame.
///
/// A call that runs in a task of its own (`BridgeConcurrentCalls`) would otherwise wait for a
/// pool thread to be woken, twice the cost of the call on one CPU, and on one CPU the woken
/// thread must also wait for the reading thread to stop spinning. With this executor as the
/// task's preference, the task's first job, and every job of it enqueued while the serving loop
/// runs it, stays on the serving thread. So does a hop to an idle actor, as a distributed
/// call's thunk makes: the runtime switches to an actor in place only on a thread that runs
/// no task executor, so it enqueues the task on the actor, whose job it then enqueues here (an
/// allocation and a few locks of the task's status: about 0.27 µs a hop and back, which
/// `bridge-bench` prints as "runtime alone: a host's hop"). Inside `Task.immediate` the hop
/// was enqueued too, and its job went to the pool: a thread woken per call.
///
/// A job enqueued from any other thread (the call resumed by a reply to a callback, say) goes
/// to the global executor: the serving thread may be waiting for the next frame, and must not
/// be needed to run it.
package final class ServingExecutor: TaskExecutor, @unchecked Sendable {
    // Unchecked: `queue` is used only by the serving thread, while `servingThread` names it.
    /// The thread that runs the serving loop now, or 0 while it is away from it (waiting for
    /// something, or gone).
    private let servingThread = Atomic<UInt>(0)
    private var queue: [UnownedJob] = []

    package init() {}

    package func enqueue(_ job: consuming ExecutorJob) {
        if servingThread.load(ordering: .relaxed) == System.currentThreadID() {
            queue.append(UnownedJob(job))
        } else {
            globalConcurrentExecutor.enqueue(job)
        }
    }

    /// The serving loop runs on the calling thread from now on, without suspending.
    package func enter() {
        servingThread.store(System.currentThreadID(), ordering: .relaxed)
    }

    /// The serving loop is about to suspend or return: it runs what waits, and what comes
    /// later goes to the global executor.
    package func leave() {
        runQueuedJobs()
        servingThread.store(0, ordering: .relaxed)
    }

    /// Runs the jobs enqueued from the serving thread, and those they enqueue, until none is
    /// left: each until it suspends or ends.
    package func runQueuedJobs() {
        var index = 0
        while index < queue.count {
            let job = queue[index]
            index += 1
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
        if index > 0 { queue.removeAll(keepingCapacity: true) }
    }
}
