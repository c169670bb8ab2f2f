import CBenchSupport
import Foundation

/// Where the client and the host run: both on CPU 0, or the host on CPU 1 and the client on
/// CPU 0. A child inherits the CPUs of the thread that starts it.
enum Placement {
    case oneCPU
    case twoCPUs

    var isAvailable: Bool {
        switch self {
        case .oneCPU: Self.allowed & 1 != 0
        case .twoCPUs: Self.allowed & 0b11 == 0b11
        }
    }

    /// The CPUs this benchmark may use: as it found them when it started, before
    /// `runOnCPU0FromTheStart()` pinned it.
    private static let allowed: UInt = ProcessInfo.processInfo.environment[allowedVariable].flatMap { UInt($0) } ?? bench_allowed_cpus()
    private static let allowedVariable = "BRIDGE_BENCH_ALLOWED_CPUS"

    /// Runs this benchmark again, on CPU 0 from its first instruction, as `taskset -c 0`
    /// would, unless it already runs so (or may not use CPU 0). The client side of every
    /// placement runs on CPU 0, and a process should know that from its start: the
    /// concurrency pool sizes itself for the CPUs a process may use when it starts, so a
    /// process pinned later keeps threads for CPUs it no longer has, which then take turns on
    /// CPU 0 and wake each other (8 calls in flight cost 8.3 µs each so, and 6.5 µs pinned
    /// from the start, in alternated runs). The hosts always started pinned.
    static func runOnCPU0FromTheStart() {
        guard ProcessInfo.processInfo.environment[allowedVariable] == nil else { return }
        let allowed = bench_allowed_cpus()
        guard allowed & 1 != 0, allowed != 1 else { return }
        setenv(allowedVariable, String(allowed), 1)
        let failure = bench_exec_pinned(0b01, CommandLine.unsafeArgv)
        print("bridge-bench: could not run again on CPU 0 (errno \(failure)); going on unpinned")
    }

    /// Runs this benchmark again, unpinned (on every CPU it found when it started), for the
    /// figures of `only` (`BRIDGE_BENCH_ONLY`): figures of a program as it runs by default,
    /// whose concurrency pool must not be sized for one CPU. Returns only if it could not.
    static func runUnpinned(only section: String) {
        setenv("BRIDGE_BENCH_ONLY", section, 1)
        fflush(nil)  // what this process printed, before another program takes its place
        let failure = bench_exec_pinned(allowed, CommandLine.unsafeArgv)
        print("bridge-bench: could not run again unpinned (errno \(failure)); going on pinned")
    }

    /// Runs `body`, which starts processes, so that they land on the host's CPU; this
    /// process stays on CPU 0.
    func startingChildren<T>(_ body: () async throws -> T) async rethrows -> T {
        try await withChildren(on: self == .oneCPU ? 0b01 : 0b10, body)
    }

    /// Runs `body`, which starts processes and times their start-up: on CPU 0 alone, or
    /// unpinned, as a program would run.
    func forStartUp<T>(_ body: () async throws -> T) async rethrows -> T {
        try await withChildren(on: self == .oneCPU ? 0b01 : Self.allowed, body)
    }

    /// Puts this process, and the processes it starts from now on, on this placement's host
    /// CPU (CPU 0 for one CPU).
    func pinHere() {
        Self.pinProcess(to: self == .oneCPU ? 0b01 : 0b10)
    }

    /// Runs `body` with this process on the CPUs in `mask`, then back on CPU 0.
    private func withChildren<T>(on mask: UInt, _ body: () async throws -> T) async rethrows -> T {
        Self.pinProcess(to: mask)
        defer { Self.pinProcess(to: 0b01) }
        return try await body()
    }

    /// Pins every thread of this process; threads started later inherit from their creator.
    private static func pinProcess(to mask: UInt) {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        for tid in tasks.compactMap({ pid_t($0) }) {
            _ = bench_pin_thread(tid, mask)
        }
    }
}
