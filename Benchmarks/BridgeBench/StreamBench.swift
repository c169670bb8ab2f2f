import Bridge
import Foundation

/// A stream's elements beside the plain call, in the same run: what an element costs when the
/// consumer takes them as fast as they come (small `Int`s, from a host that makes them at
/// once). Placed as the plain call's figures are.
///
///     BRIDGE_BENCH_ONLY=streams swift run -c release bridge-bench
enum StreamBench {
    static func run(rounds: Int, _ placement: Placement, name: String) async throws {
        func us(_ t: Timing) -> String { String(format: "%8.2f µs  p99 %8.2f µs", t.median, t.p99) }
        func pad(_ text: String) -> String { text.padding(toLength: 36, withPad: " ", startingAt: 0) }
        let bridge = try await placement.startingChildren { try await Bridge<LocalEcho>.start() }
        let client = bridge.client
        let turns = 10
        let elements = max(rounds / turns, 100)
        var plain: [Duration] = []
        var perElement: [Duration] = []
        var ratios: [Double] = []
        for turn in 0...turns {
            let calls = try await time(elements) { _ = try await client.echo(smallText) }
            let clock = ContinuousClock()
            let began = clock.now
            var count = 0
            for try await _ in try await client.count(upTo: elements) { count += 1 }
            let element = (clock.now - began) / max(count, 1)
            if turn == 0 { continue }  // the first turn warms up and is not counted
            ratios.append(Timing([element]).median / Timing(calls).median)
            plain += calls
            perElement.append(element)
        }
        await bridge.stop()
        print("\nstreams, \(name)")
        print(pad("async call from a task, String") + us(Timing(plain)))
        print(pad("stream element, Int (per element)") + us(Timing(perElement)) + String(format: "  %5.2fx the call", median(ratios)))
    }

    /// Both placements, where available.
    static func runAll(rounds: Int, twoCPUsAvailable: Bool) async throws {
        try await run(rounds: rounds, .oneCPU, name: "client and host on one CPU")
        if twoCPUsAvailable { try await run(rounds: rounds, .twoCPUs, name: "client and host on two CPUs") }
    }
}
