import Dispatch
import Foundation

/// A thread of its own for a host's serving loop when the host's calls run concurrently
/// (`BridgeConcurrentCalls`): the task that serves prefers this executor, so its jobs run here,
/// never on a thread of the concurrency pool.
///
/// The serving loop holds its thread while it waits for the next frame. On a pool thread that
/// is harmless while the pool has others, but a host started by a process pinned to one CPU
/// inherits the pin and its pool has one thread: the calls' tasks, which run on the pool, then
/// waited for the runtime to add a thread, about a second, for every call. A host that serves
/// its calls in turn runs them in the serving task itself and keeps the pool thread.
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
