import Bridge
import Foundation
import Testing

/// Time limits out of the ordinary: accepted and honoured, or refused by `start()` naming the
/// option; never an arithmetic trap in the parent.
@Suite struct TimeoutOptionsTests {
    @Test func limitsOfTheLargestDurationAreHonouredAsNoLimit() async throws {
        let options = BridgeOptions(startTimeout: .seconds(Int64.max), stopTimeout: .seconds(Int64.max), callTimeout: .seconds(Int64.max))
        let bridge = try await Bridge<LocalSandbox>.start(options)
        let client = bridge.client
        #expect(try await client.add(2, 3) == 5)
        // Blocking calls from several threads at once: some wait on a deadline while another
        // reads.
        @Sendable func fiftyCalls() -> Int32 {
            var sum: Int32 = 0
            for _ in 0..<50 { sum += (try? client.run(["a", "b"])) ?? 0 }
            return sum
        }
        var counts: [Int32] = []
        await withTaskGroup(of: Int32.self) { group in
            for _ in 0..<4 { group.addTask { await onOwnThread(fiftyCalls) } }
            for await count in group { counts.append(count) }
        }
        #expect(counts == [100, 100, 100, 100])
        await bridge.stop()
        #expect(bridge.termination == .exited(0))
    }

    @Test(arguments: ["startTimeout", "stopTimeout", "callTimeout"])
    func aNegativeLimitFailsStartNamingIt(_ name: String) async throws {
        var options = BridgeOptions()
        switch name {
        case "startTimeout": options.startTimeout = .seconds(-1)
        case "stopTimeout": options.stopTimeout = .milliseconds(-5)
        default: options.callTimeout = .seconds(Int64.min)
        }
        let error = await #expect(throws: BridgeError.self) { try await Bridge<LocalSandbox>.start(options) }
        #expect(error?.code == .startFailed)
        #expect(error?.description.contains("BridgeOptions.\(name)") == true, "\(String(describing: error))")
    }

    @Test func aZeroCallLimitFailsEveryCallAsOutOfTime() async throws {
        try await withBridge(LocalSandbox.self, options: BridgeOptions(callTimeout: .zero)) { sandbox in
            let error = await #expect(throws: BridgeError.self) { try await sandbox.add(1, 1) }
            #expect(error?.code == .timedOut)
            let blocking = await onOwnThread { Result { try sandbox.run(["x"]) } }
            guard case .failure(let failure as BridgeError) = blocking, failure.code == .timedOut else {
                Issue.record("a blocking call with no time allowed did not run out of time: \(blocking)")
                return
            }
        }
    }
}
