import Dispatch
import Foundation

/// A thread of its own for a host's serving loop: the task that serves prefers this executor,
/// so its jobs run here, never on a thread of the concurrency pool. For a host whose calls run
/// concurrently, and for any host on one CPU: there, calls served in turn run here too, in the
/// serving task, with the child tasks they start (which with more CPUs would lose the pool's
/// parallelism, so a host on several serves in turn on the pool, as before).
///
/// The serving loop holds its thread while it waits for the next frame. On a pool thread that
/// is harmless while the pool has others, but a host started by a process pinned to one CPU
/// inherits the pin and its pool has one thread: every task a call started (a concurrent call's,
/// a stream's producer, the real object's own) then waited for the runtime to add a thread,
/// about a second.
package final class ServingThread: TaskExecutor, @unchecked Sendable {
    // Unchecked: `jobs` is under its lock, `ready` is thread-safe.
    private let jobs = Locked<[UnownedJob]>([])
    private let ready = DispatchSemaphore(value: 0)

    package init() {
        let thread = Thread { [self] in runJobs() }
        thread.name = "swift-process-bridge serving"
        thread.start()
    }

    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        jobs.withLock { $0.append(job) }
        ready.signal()
    }

    /// Runs jobs as they come, for the life of the process (a host serves until it exits).
    private func runJobs() -> Never {
        while true {
            ready.wait()
            let job = jobs.withLock { $0.removeFirst() }
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
