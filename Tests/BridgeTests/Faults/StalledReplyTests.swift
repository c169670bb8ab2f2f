import Bridge
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A host whose real object writes the start of a frame onto the bridge's socket (descriptor
/// 3, which it should not touch) and then stays alive: the parent's reader is left in the
/// middle of a frame that never completes, as with a host frozen while it writes a reply.
protocol Staller: Bridged {
    /// Writes a header that promises 1,000 bytes and 10 of them, creates `marker`, then waits
    /// until it is killed.
    func stallMidFrame(marker: String) async throws -> Int
    func stallMidFrameBlocking(marker: String) throws -> Int
    func quick() async throws -> Int
}

final class LocalStaller: Staller {
    init() {}

    func stallMidFrame(marker: String) async throws -> Int { try stallMidFrameBlocking(marker: marker) }

    func stallMidFrameBlocking(marker: String) throws -> Int {
        var bytes: [UInt8] = [0xED, 0x03, 0, 0, 5, 0xF0, 0xFF, 0xFF, 0xFF]  // length 1005, returned, call id 0xFFFFFFF0
        bytes += [UInt8](repeating: 1, count: 10)
        _ = write(3, bytes, bytes.count)
        _ = FileManager.default.createFile(atPath: marker, contents: nil)  // the test waits for it; a failure shows there
        while true { pause() }
    }

    func quick() async throws -> Int { 1 }
}

/// Every wait on a host stalled in the middle of a frame is bounded by the call's time limit
/// and by its task's cancellation, and `stop()` still ends the host.
@Suite struct StalledReplyTests {
    private let limit = Duration.milliseconds(300)
    /// How late a call may end here: the suite's parallel tests load the 2-core machine, and
    /// how soon a call ends is the fault benchmark's to measure. What matters here is that it
    /// ends at all: before, it waited for ever.
    private let slack = Duration.seconds(20)

    private func options(callTimeout: Duration? = nil) -> BridgeOptions {
        var options = BridgeOptions(stopTimeout: .seconds(1))
        options.callTimeout = callTimeout
        return options
    }

    @Test func anAsyncCallEndsAtItsTimeLimit() async throws {
        let directory = try TemporaryDirectory()
        let bridge = try await Bridge<LocalStaller>.start(options(callTimeout: limit))
        let began = ContinuousClock.now
        let error = await #expect(throws: BridgeError.self) {
            try await bridge.client.stallMidFrame(marker: directory.path + "/stalled")
        }
        #expect(error?.code == .timedOut)
        #expect(ContinuousClock.now - began < limit + slack)
        await bridge.stop()
        #expect(bridge.termination != nil)
    }

    @Test func aBlockingCallEndsAtItsTimeLimit() async throws {
        let directory = try TemporaryDirectory()
        let bridge = try await Bridge<LocalStaller>.start(options(callTimeout: limit))
        let client = bridge.client
        let marker = directory.path + "/stalled"
        let began = ContinuousClock.now
        let result = await onOwnThread { Result { try client.stallMidFrameBlocking(marker: marker) } }
        guard case .failure(let error as BridgeError) = result, error.code == .timedOut else {
            Issue.record("expected the blocking call to run out of time, got \(result)")
            return
        }
        #expect(ContinuousClock.now - began < limit + slack)
        await bridge.stop()
        #expect(bridge.termination != nil)
    }

    @Test func aCancelledCallEndsAtOnce() async throws {
        let directory = try TemporaryDirectory()
        let marker = directory.path + "/stalled"
        let bridge = try await Bridge<LocalStaller>.start(options())
        let client = bridge.client
        let call = Task { try await client.stallMidFrame(marker: marker) }
        #expect(await eventually(within: .seconds(10)) { FileManager.default.fileExists(atPath: marker) })
        let cancelled = ContinuousClock.now
        call.cancel()
        await #expect(throws: CancellationError.self) { try await call.value }
        #expect(ContinuousClock.now - cancelled < slack)
        await bridge.stop()
        #expect(bridge.termination != nil)
    }
}
