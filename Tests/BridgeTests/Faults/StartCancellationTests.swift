import Bridge
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A staller whose start hook writes the host's pid to the file that `STALLER_START_MARKER`
/// names, then never returns.
final class SlowStartingStaller: Staller, BridgeLifecycle {
    init() {}

    func bridgeDidStart() async throws {
        if let marker = ProcessInfo.processInfo.environment["STALLER_START_MARKER"] {
            _ = FileManager.default.createFile(atPath: marker, contents: Data("\(getpid())".utf8))
        }
        while true { pause() }
    }

    func bridgeWillStop() async {}
    func stallMidFrame(marker: String) async throws -> Int { 0 }
    func stallMidFrameBlocking(marker: String) throws -> Int { 0 }
    func quick() async throws -> Int { 1 }
}

/// A `start()` that ends early (cancelled, or out of time) leaves no host behind.
@Suite struct StartCancellationTests {
    private func startDuringItsHook(startTimeout: Duration = .seconds(30)) async throws -> (Task<Bridge<SlowStartingStaller>, any Error>, ProcessID) {
        let directory = try TemporaryDirectory()
        let marker = directory.path + "/started"
        var environment = ProcessInfo.processInfo.environment
        environment["STALLER_START_MARKER"] = marker
        let options = BridgeOptions(environment: environment, startTimeout: startTimeout)
        let start = Task { try await Bridge<SlowStartingStaller>.start(options) }
        // A whole start lies inside this wait, and the suite's CPU-bound tests can hold the
        // concurrency pool's two threads for seconds meanwhile: the bound only guards a hang.
        #expect(await eventually(within: .seconds(60)) { FileManager.default.fileExists(atPath: marker) })
        let pid = try #require(ProcessID(try String(contentsOfFile: marker, encoding: .utf8)))
        return (start, pid)
    }

    /// Whether `pid` is gone and reaped: no process, not even a zombie, has that id.
    private func isReaped(_ pid: ProcessID) -> Bool {
        kill(pid, 0) == -1 && errno == ESRCH
    }

    @Test func cancellingStartDuringTheStartHookEndsAndReapsTheHost() async throws {
        let (start, pid) = try await startDuringItsHook()
        let cancelled = ContinuousClock.now
        start.cancel()
        await #expect(throws: CancellationError.self) { _ = try await start.value }
        #expect(ContinuousClock.now - cancelled < .seconds(20))  // bounded, not timed: the suite loads the machine
        #expect(isReaped(pid))
    }

    @Test func startTimeoutDuringTheStartHookEndsAndReapsTheHost() async throws {
        let (start, pid) = try await startDuringItsHook(startTimeout: .seconds(1))
        let error = await #expect(throws: BridgeError.self) { _ = try await start.value }
        #expect(error?.code == .timedOut)
        #expect(isReaped(pid))
    }

    @Test func cancellingBeforeStartSpawnsNothing() async throws {
        let spawned = Locked(false)
        let options = BridgeOptions(events: { event in
            if case .spawned = event { spawned.withLock { $0 = true } }
        })
        let start = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await Bridge<SlowStartingStaller>.start(options)
        }
        await #expect(throws: CancellationError.self) { _ = try await start.value }
        #expect(!spawned.withLock { $0 })
    }
}
