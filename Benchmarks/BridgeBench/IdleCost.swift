import Foundation

/// What an idle bridge costs: the CPU time the parent and the host use over one second, once
/// the bridge has been idle for 50 ms (issue 15's bar: under 1 % each). A transport that spins
/// while a conversation is hot must park once it cools.
struct IdleCost {
    /// Percent of one CPU, over the second measured.
    var parent: Double
    var host: Double

    static func measure(hostProcessID: Int32) async throws -> IdleCost {
        try await Task.sleep(for: .milliseconds(50))
        let clock = ContinuousClock()
        let start = clock.now
        let parentBefore = cpuTime(of: getpid())
        let hostBefore = cpuTime(of: hostProcessID)
        try await Task.sleep(for: .seconds(1))
        let elapsed = clock.now - start
        func percent(_ used: Duration) -> Double { 100 * (used / elapsed) }
        return IdleCost(
            parent: percent(cpuTime(of: getpid()) - parentBefore),
            host: percent(cpuTime(of: hostProcessID) - hostBefore))
    }

    /// The time every thread of `processID` has run, from `/proc/<pid>/task/*/schedstat`
    /// (nanoseconds, not the 10 ms ticks of `/proc/<pid>/stat`).
    private static func cpuTime(of processID: Int32) -> Duration {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(processID)/task")) ?? []
        var nanoseconds: Int64 = 0
        for task in tasks {
            guard let text = try? String(contentsOfFile: "/proc/\(processID)/task/\(task)/schedstat", encoding: .utf8),
                  let first = text.split(separator: " ").first, let value = Int64(first)
            else { continue }
            nanoseconds += value
        }
        return .nanoseconds(nanoseconds)
    }
}
