import Bridge
import Foundation

/// Supervision's figures: what a restart costs (a host killed to the first reply of its
/// replacement), what a warm start from a `BridgeReserve` costs, what routing through a relay costs a call, and what a pool of 4 does for
/// calls that keep a host busy, against a pool of 1.
enum SupervisionBench {
    static func run(rounds: Int) async throws {
        func ms(_ t: Timing) -> String { String(format: "%8.2f ms  p99 %8.2f ms", t.median / 1000, t.p99 / 1000) }
        func pad(_ text: String) -> String { text.padding(toLength: 36, withPad: " ", startingAt: 0) }
        print("\nsupervision (unpinned)")

        // A host killed, to the first reply of the fresh one: reaping, spawn, handshake, the call.
        let restarts = max(rounds / 1000, 10)
        let options = BridgeOptions(restart: .onCrash(maximumRestarts: restarts + 10, within: .seconds(3600)))
        let bridge = try await Bridge<LocalEcho>.start(options)
        let clock = ContinuousClock()
        /// Kills `bridge`'s host and times it to the first reply of the fresh one. A call made
        /// in the instant before the host is reaped fails with hostExited; the next waits for
        /// the replacement.
        func restart(_ bridge: Bridge<LocalEcho>) async throws -> Duration {
            let start = clock.now
            kill(bridge.processID, SIGKILL)
            while true {
                do {
                    _ = try await bridge.client.echo(smallText)
                    return clock.now - start
                } catch let error as BridgeError where error.code == .hostExited {
                    continue
                }
            }
        }
        var samples: [Duration] = []
        for _ in 0..<restarts { samples.append(try await restart(bridge)) }
        print(pad("restart: kill to first reply") + ms(Timing(samples)))

        // The same with a spare started ahead: the replacement is a host that already serves.
        let warm = try await Bridge<LocalEcho>.start(
            BridgeOptions(restart: .onCrash(maximumRestarts: restarts + 10, within: .seconds(3600)), spareHosts: 1))
        samples = []
        for _ in 0..<restarts {
            // A spare ready before each kill (not timed).
            while warm._relay?.readySpares != 1 { try await Task.sleep(for: .milliseconds(1)) }
            samples.append(try await restart(warm))
        }
        await warm.stop()
        print(pad("restart with a spare ready") + ms(Timing(samples)))

        // A bridge started on a host from a reserve, to its first reply, against a cold start;
        // in turns, with the reserve's hosts all ready before each (not timed).
        let reserve = try await BridgeReserve.start(hosts: 1)
        var coldSamples: [Duration] = []
        samples = []
        for _ in 0..<restarts {
            _ = await reserve.readyProcessIDs  // waits for the replacement launch
            var start = clock.now
            let reserved = try await Bridge<LocalEcho>.start(from: reserve)
            _ = try await reserved.client.echo(smallText)
            samples.append(clock.now - start)
            await reserved.stop()
            start = clock.now
            let cold = try await Bridge<LocalEcho>.start()
            _ = try await cold.client.echo(smallText)
            coldSamples.append(clock.now - start)
            await cold.stop()
        }
        await reserve.stop()
        print(pad("start() to first reply, cold") + ms(Timing(coldSamples)))
        print(pad("start(from: reserve) to first reply") + ms(Timing(samples)))

        // The same call, plain and through a relay, in turns.
        let plain = try await Bridge<LocalEcho>.start()
        var ratios: [Double] = []
        var supervisedSamples: [Duration] = []
        var plainSamples: [Duration] = []
        // 8 tasks calling at once, as a program runs by default: no placement, and a
        // concurrency pool sized for every CPU.
        var inFlightSamples: [Duration] = []
        for turn in 0...10 {
            let perCall = try await timePerCallInFlight(tasks: 8, calls: rounds / 10, plain.client)
            if turn > 0 { inFlightSamples.append(perCall) }
        }
        for turn in 0...10 {
            let plainTurn = try await time(rounds / 10) { _ = try await plain.client.echo(smallText) }
            let supervisedTurn = try await time(rounds / 10) { _ = try await bridge.client.echo(smallText) }
            if turn == 0 { continue }
            ratios.append(Timing(supervisedTurn).median / Timing(plainTurn).median)
            plainSamples += plainTurn
            supervisedSamples += supervisedTurn
        }
        await plain.stop()
        await bridge.stop()
        print(pad("async call, plain bridge") + String(format: "%8.2f µs", Timing(plainSamples).median))
        print(pad("8 calls in flight, plain, per call") + String(format: "%8.2f µs", Timing(inFlightSamples).median))
        print(pad("async call, with a restart policy") + String(format: "%8.2f µs  %5.2fx plain", Timing(supervisedSamples).median, median(ratios)))

        // 16 tasks calling a method that keeps its host busy for 200 µs: asleep (the hosts run
        // side by side whatever the CPUs), or spinning (at most as many at once as CPUs).
        func throughput(poolSize: Int, burn: Bool) async throws -> Double {
            let pool = try await BridgePool<LocalEcho>.start(size: poolSize)
            let calls = max(rounds / 20, 400)
            let start = clock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<16 {
                    group.addTask { for _ in 0..<calls / 16 { try await pool.client.busy(microseconds: 200, burn: burn) } }
                }
                try await group.waitForAll()
            }
            let elapsed = clock.now - start
            await pool.stop()
            return Double(calls) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        _ = try await throughput(poolSize: 1, burn: false)  // warm-up
        for burn in [false, true] {
            let one = try await throughput(poolSize: 1, burn: burn)
            let four = try await throughput(poolSize: 4, burn: burn)
            let what = burn ? "200 µs spinning" : "200 µs asleep"
            print(pad("pool of 1, calls \(what)") + String(format: "%8.0f calls/s", one))
            print(pad("pool of 4, calls \(what)") + String(format: "%8.0f calls/s  %5.2fx pool of 1 (%d CPUs)", four, four / one, ProcessInfo.processInfo.activeProcessorCount))
        }
    }
}
