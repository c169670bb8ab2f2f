import Bridge
import Foundation

/// Opens `count` bridges at once, each with calls in flight, and prints what the parent holds:
/// threads and resident memory before, with all open, and after all are stopped and released.
/// Issue 17's bar: at most twice the CPU count plus 8 threads more than before.
func manyBridges(_ count: Int) async throws {
    try await withBridge(LocalSoakEcho.self) { _ = try await $0.echoText("warm-up") }
    let before = try await settledCensus()
    print("before: \(before), resident \(residentMemory())")
    let clock = ContinuousClock()
    let began = clock.now
    var bridges: [Bridge<LocalSoakEcho>] = []
    for _ in 0..<count { bridges.append(try await Bridge<LocalSoakEcho>.start()) }
    print("\(count) started in \(clock.now - began)")
    let block = Data(repeating: 0x5A, count: 64 << 10)
    let during = try await withThrowingTaskGroup(of: Void.self) { group -> ProcessCensus in
        for bridge in bridges {
            group.addTask {
                for _ in 0..<50 {
                    guard try await bridge.client.echoData(block) == block else { throw SoakFailure(description: "the echo came back changed") }
                }
            }
        }
        guard let census = ProcessCensus.take() else { throw SoakFailure(description: "/proc/self could not be read") }
        try await group.waitForAll()
        return census
    }
    let limit = 2 * ProcessInfo.processInfo.activeProcessorCount + 8
    print("with \(count) open, calls in flight: \(during), resident \(residentMemory()); threads +\(during.threads - before.threads) (bar: at most +\(limit))")
    await withTaskGroup(of: Void.self) { group in
        for bridge in bridges { group.addTask { await bridge.stop() } }
    }
    bridges = []
    let after = try await settledCensus(atMost: before)
    print("after stopping all: \(after), resident \(residentMemory())")
    guard during.threads - before.threads <= limit else { throw SoakFailure(description: "the parent's threads grew with the bridges") }
    guard after.isNoLarger(than: before), after.zombies == 0 else { throw SoakFailure(description: "the counts grew: leak") }
    print("within the bar, no growth")
}
