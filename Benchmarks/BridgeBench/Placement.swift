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

    private static let allowed = bench_allowed_cpus()

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
