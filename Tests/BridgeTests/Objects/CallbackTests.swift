@testable import Bridge
import Foundation
import Testing

/// What a long job tells the parent as it goes: an object that lives in the parent, which the
/// host calls while the parent waits for the job.
protocol ProgressReporter: Bridged, Sendable {
    func report(step: Int, of total: Int) async throws
    func shouldContinue(after step: Int) async throws -> Bool
    /// Called from a host method that blocks rather than awaits.
    func note(_ text: String) throws
}

protocol LongJob: Bridged {
    /// Reports each step, and stops early when the reporter says so; returns the steps done.
    func run(steps: Int, reporter: any ProgressReporter) async throws -> Int
    /// The same from a blocking requirement, with `note`.
    func runBlocking(steps: Int, reporter: any ProgressReporter) throws -> Int
    /// Keeps the reporter, to call it from later calls and from the stop hook.
    func keep(_ reporter: any ProgressReporter) async throws
    func reportToKept(step: Int) async throws
    func forgetKept() async throws
}

final class JobRunner: LongJob, BridgeLifecycle {
    private var kept: (any ProgressReporter)?

    init() {}

    func run(steps: Int, reporter: any ProgressReporter) async throws -> Int {
        for step in 1...steps {
            try await reporter.report(step: step, of: steps)
            guard try await reporter.shouldContinue(after: step) else { return step }
        }
        return steps
    }

    func runBlocking(steps: Int, reporter: any ProgressReporter) throws -> Int {
        for step in 1...steps { try reporter.note("step \(step)") }
        return steps
    }

    func keep(_ reporter: any ProgressReporter) async throws { kept = reporter }

    func reportToKept(step: Int) async throws { try await kept?.report(step: step, of: 0) }

    func forgetKept() async throws { kept = nil }

    func bridgeDidStart() async throws {}

    func bridgeWillStop() async {
        guard let kept else { return }
        do {
            try await kept.report(step: -1, of: 0)
            print("stop hook: the reporter answered")
        } catch {
            print("stop hook: \(error)")
        }
    }
}

struct StepRefused: Error, Codable, Equatable {
    var step: Int
}

/// Records what the host reports, in the parent.
final class StepRecorder: ProgressReporter {
    let steps = Locked<[Int]>([])
    let notes = Locked<[String]>([])
    /// The last step the host may finish; nil for all.
    let stopAfter: Int?
    /// A step the reporter refuses by throwing.
    let refuse: Int?
    /// Runs on each report, in the parent.
    let onReport: @Sendable (Int) -> Void

    init(stopAfter: Int? = nil, refuse: Int? = nil, onReport: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.stopAfter = stopAfter
        self.refuse = refuse
        self.onReport = onReport
    }

    func report(step: Int, of total: Int) async throws {
        if step == refuse { throw StepRefused(step: step) }
        steps.withLock { $0.append(step) }
        onReport(step)
    }

    func shouldContinue(after step: Int) async throws -> Bool { stopAfter.map { step < $0 } ?? true }

    func note(_ text: String) throws { notes.withLock { $0.append(text) } }
}

@Suite struct CallbackTests {
    @Test func theHostCallsBackWhileTheParentAwaitsTheCall() async throws {
        let recorder = StepRecorder()
        let done = try await withBridge(JobRunner.self) { try await $0.run(steps: 5, reporter: recorder) }
        #expect(done == 5)
        #expect(recorder.steps.withLock { $0 } == [1, 2, 3, 4, 5])
    }

    @Test func whatTheCallbackReturnsSteersTheHost() async throws {
        let recorder = StepRecorder(stopAfter: 3)
        let done = try await withBridge(JobRunner.self) { try await $0.run(steps: 10, reporter: recorder) }
        #expect(done == 3)
        #expect(recorder.steps.withLock { $0 } == [1, 2, 3])
    }

    @Test func anErrorThrownByTheCallbackReachesTheCallerAsItself() async throws {
        let recorder = StepRecorder(refuse: 2)
        try await withBridge(JobRunner.self) { job in
            await #expect(throws: StepRefused(step: 2)) { try await job.run(steps: 5, reporter: recorder) }
            let again = try await job.run(steps: 1, reporter: StepRecorder())
            #expect(again == 1, "the bridge serves on")
        }
        #expect(recorder.steps.withLock { $0 } == [1])
    }

    @Test func aBlockingCallAndABlockingCallbackServeEachOther() async throws {
        let recorder = StepRecorder()
        let done = try await withBridge(JobRunner.self) { job in
            // The parent's thread blocks for the call while the callbacks run on the pool.
            try await onOwnThread { Result { try job.runBlocking(steps: 3, reporter: recorder) } }.get()
        }
        #expect(done == 3)
        #expect(recorder.notes.withLock { $0 } == ["step 1", "step 2", "step 3"])
    }

    @Test func manyCallsWithCallbacksAtOnce() async throws {
        try await withBridge(JobRunner.self) { job in
            let recorders = (0..<8).map { _ in StepRecorder() }
            try await withThrowingTaskGroup(of: Int.self) { group in
                for recorder in recorders {
                    group.addTask { try await job.run(steps: 20, reporter: recorder) }
                }
                for try await done in group { #expect(done == 20) }
            }
            for recorder in recorders {
                #expect(recorder.steps.withLock { $0 } == Array(1...20))
            }
        }
    }

    @Test func aKeptCallbackWorksInLaterCallsAndIsReleasedWhenTheHostDropsIt() async throws {
        let bridge = try await Bridge<JobRunner>.start()
        let recorder = StepRecorder()
        try await bridge.client.keep(recorder)
        try await bridge.client.reportToKept(step: 7)
        try await bridge.client.reportToKept(step: 8)
        #expect(recorder.steps.withLock { $0 } == [7, 8])
        // Every call above passed nothing else, so the kept reporter is the one object held.
        #expect(bridge.passedObjectCount == 1)
        _ = try await bridge.client.run(steps: 2, reporter: StepRecorder())
        #expect(await eventually(within: .seconds(10)) { bridge.passedObjectCount == 1 }, "the host dropped the job's reporter")
        try await bridge.client.forgetKept()
        #expect(await eventually(within: .seconds(10)) { bridge.passedObjectCount == 0 })
        await bridge.stop()
    }

    @Test func afterStopTheHostCanNoLongerCallBack() async throws {
        let lines = Locked<[String]>([])
        let bridge = try await Bridge<JobRunner>.start(BridgeOptions(output: .lines { line in lines.withLock { $0.append(line.text) } }))
        let recorder = StepRecorder()
        try await bridge.client.keep(recorder)
        await bridge.stop()
        #expect(bridge.termination == .exited(0))
        let said = lines.withLock { $0 }
        #expect(said.count == 1)
        #expect(said.first?.hasPrefix("stop hook: The bridge's parent no longer serves the objects it passed to this host ('report(step:Int,of:Int) async throws' cannot complete)") == true, "\(said)")
        #expect(recorder.steps.withLock { $0 }.isEmpty)
    }

    @Test func aHostThatDiesDuringACallbackFailsTheCallAndFreesTheCallback() async throws {
        let bridge = try await Bridge<JobRunner>.start()
        let host = bridge.processID
        // The parent kills the host from inside the callback, which the host awaits.
        let recorder = StepRecorder { step in if step == 2 { kill(host, SIGKILL) } }
        await #expect(throws: BridgeError.hostExited(processID: host, termination: .signaled(SIGKILL), method: "run(steps:Int,reporter:any ProgressReporter) async throws -> Int")) {
            try await bridge.client.run(steps: 5, reporter: recorder)
        }
        #expect(await eventually(within: .seconds(10)) { bridge.passedObjectCount == 0 })
        await #expect(throws: BridgeError.self) { try await bridge.client.keep(StepRecorder()) }
    }
}
