@testable import Bridge
import Foundation
import Testing

/// Runs `body` with a `LocalMirror` bridge of `options`; if it has not finished after `limit`,
/// kills the host (which fails every waiting call) and fails the test: for tests of waits that
/// nothing but the host's death would end (calls without a time limit). A hang may hold every
/// thread of the concurrency pool, so the watchdog is a thread of its own.
func withMirror(
    killedAfter limit: Duration, _ options: BridgeOptions = BridgeOptions(),
    _ body: @escaping @Sendable (LocalMirror.BridgeClient) async throws -> Void
) async throws {
    let bridge = try await Bridge<LocalMirror>.start(options)
    let finished = DispatchSemaphore(value: 0)
    let hung = Locked(false)
    let processID = bridge.processID
    Thread {
        guard finished.wait(timeout: .now() + .milliseconds(Int(limit.components.seconds) * 1000)) == .timedOut else { return }
        hung.withLock { $0 = true }
        kill(processID, SIGKILL)
    }.start()
    let outcome: Result<Void, any Error>
    do {
        try await body(bridge.client)
        outcome = .success(())
    } catch {
        outcome = .failure(error)
    }
    finished.signal()
    #expect(!hung.withLock { $0 }, "the calls had not finished after \(limit): both sides waited for ever")
    if !hung.withLock({ $0 }) { try outcome.get() }
    await bridge.stop()
}
