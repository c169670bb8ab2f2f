@testable import Bridge
import Synchronization
import Testing

/// The executor of calls a host starts in place: what the serving thread enqueues runs there,
/// when the serving loop runs its queue; what another thread enqueues goes to the global
/// executor, so that it never waits for a serving thread that is waiting for a frame.
@Suite struct ServingExecutorTests {
    /// The thread a job ran on, and whether it ran.
    final class Record: Sendable {
        let thread = Atomic<UInt>(0)
        let done = OneShotValue<Void>()

        /// Notes the thread this runs on, and that it ran.
        func note() {
            thread.store(System.currentThreadID(), ordering: .relaxed)
            done.set(())
        }

        var ranOnThisThread: Bool { thread.load(ordering: .relaxed) == System.currentThreadID() }
    }

    @Test func aTaskStartedOnTheServingThreadRunsThereWhenTheQueueRuns() {
        let executor = ServingExecutor()
        let record = Record()
        executor.enter()
        Task(executorPreference: executor) { record.note() }
        #expect(record.thread.load(ordering: .relaxed) == 0)  // queued, not run
        executor.runQueuedJobs()
        #expect(record.ranOnThisThread)
        executor.leave()
    }

    @Test(.timeLimit(.minutes(1))) func aTaskEnqueuedAwayFromTheServingLoopRunsOnTheGlobalExecutor() async {
        let executor = ServingExecutor()
        let record = Record()
        // The serving loop is not running: nobody would run a queue.
        Task(executorPreference: executor) { record.note() }
        await record.done.value()
        #expect(record.thread.load(ordering: .relaxed) != 0)  // it ran, though no queue was run
    }

    @Test func leavingRunsWhatWaits() {
        let executor = ServingExecutor()
        let record = Record()
        executor.enter()
        Task(executorPreference: executor) { record.note() }
        executor.leave()
        #expect(record.ranOnThisThread)
    }
}
