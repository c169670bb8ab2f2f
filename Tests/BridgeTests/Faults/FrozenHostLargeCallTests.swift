@testable import Bridge
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A call whose arguments are larger than the rings and the socket's buffers can hold, to a
/// host that is stopped (`SIGSTOP`): the caller must not wait for room for ever.
///
/// It does today, over both transports: the writer waits for room (`sendAll`, or
/// `waitUntilReadableOrWritable` for a writer that holds the reading role) with no deadline.
/// Found in this session's review; the fix needs the call's deadline in the writer and a
/// decision on a frame cut short (end the bridge, or finish it in the background). Enable
/// this test with the fix.
@Suite struct FrozenHostLargeCallTests {
    @Test(.disabled("known hang: a writer waits for room with no deadline (see the suite's comment)"), arguments: [true, false])
    func aLargeCallToAStoppedHostEndsAtItsTimeLimit(sharedMemory: Bool) async throws {
        var options = BridgeOptions(stopTimeout: .milliseconds(200))
        options.callTimeout = .milliseconds(500)
        options.usesSharedMemory = sharedMemory
        let bridge = try await Bridge<Echoer>.start(options)
        #expect(try await bridge.client.echoText("ready") == "ready")
        kill(bridge.processID, SIGSTOP)
        let began = ContinuousClock.now
        let error = await #expect(throws: BridgeError.self) {
            _ = try await bridge.client.echoData(Data(repeating: 7, count: 4 << 20))
        }
        #expect(error?.code == .timedOut, "\(String(describing: error))")
        #expect(ContinuousClock.now - began < .seconds(20))  // bounded, not timed
        await bridge.stop()
        #expect(bridge.termination == .signaled(SIGKILL))
    }
}
