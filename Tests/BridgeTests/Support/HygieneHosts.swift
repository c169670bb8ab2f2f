import Bridge
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The bridge that the hygiene probe starts, stops and calls.
protocol Echo: Bridged {
    func echoText(_ text: String) async throws -> String
    func echoData(_ data: Data) async throws -> Data
}

final class Echoer: Echo {
    init() {}

    func echoText(_ text: String) async throws -> String { text }

    func echoData(_ data: Data) async throws -> Data { data }
}

/// What `HygieneProbe.cycleBridges` counted.
struct CycleCensus: Codable, Sendable {
    /// After the warm-up.
    var before: ProcessCensus
    /// While the last bridge ran.
    var during: ProcessCensus
    /// After the last stop, once the counts settled (or a second passed).
    var after: ProcessCensus
}

/// Resident memory, in bytes, around a soak.
struct SoakMemory: Codable, Sendable {
    var before: Int
    var after: Int
    var hostBefore: Int
    var hostAfter: Int
}

/// Counts and soaks in a host of its own, so that the tests running in parallel in the test
/// process do not disturb what it counts: it is the parent of the bridges it starts.
protocol HygieneProbe: Bridged {
    func cycleBridges(_ cycles: Int, warmUp: Int) async throws -> CycleCensus
    /// Makes `warmUp`, then `calls` calls to one `Echoer` bridge from 8 tasks, half of them
    /// with small strings, half with 64 KiB of data.
    func soak(calls: Int, warmUp: Int) async throws -> SoakMemory
    /// Starts a bridge with this process's descriptors all but used up (`RLIMIT_NOFILE`), then
    /// again with the limit restored.
    func startOutOfDescriptors() async throws -> DescriptorExhaustion
    /// Starts a bridge with this process's user at its limit on processes (`RLIMIT_NPROC`,
    /// which binds only a user that is not root), then again with the limit restored.
    func startOutOfProcesses() async throws -> DescriptorExhaustion
    /// Opens `count` bridges at once, each with a call in flight, and stops them all.
    /// - Returns: The census before (after one warm-up bridge), with all open and their calls
    ///   waiting, and after.
    func openAtOnce(_ count: Int) async throws -> CycleCensus
}

/// What `HygieneProbe.startOutOfDescriptors` or `startOutOfProcesses` saw.
struct DescriptorExhaustion: Codable, Sendable {
    /// The error `start()` threw at the limit; nil if it did not throw.
    var error: BridgeError?
    /// Before the attempt, and after it with the limit restored.
    var before: ProcessCensus
    var after: ProcessCensus
    /// What a bridge started with the limit restored answered.
    var answerAfter: String
}

final class LocalHygieneProbe: HygieneProbe {
    init() {}

    func cycleBridges(_ cycles: Int, warmUp: Int) async throws -> CycleCensus {
        for _ in 0..<warmUp { try await startCallStop() }
        let before = try await Self.settledCensus()
        var during = before
        for _ in 0..<cycles {
            try await startCallStop { during = try Self.census() }
        }
        // A pool thread that the concurrency runtime added under load (seen under
        // AddressSanitizer with the whole suite running) ends only after seconds of idling.
        // Counts that settle at once return at once; one that needs the time gets it.
        let after = try await Self.settledCensus(atMost: before, within: .seconds(8))
        return CycleCensus(before: before, during: during, after: after)
    }

    func soak(calls: Int, warmUp: Int) async throws -> SoakMemory {
        let bridge = try await Bridge<Echoer>.start()
        let echo = bridge.client
        try await Self.calls(warmUp, on: echo)
        let before = try Self.residentMemory(of: nil)
        let hostBefore = try Self.residentMemory(of: bridge.processID)
        try await Self.calls(calls, on: echo)
        let after = try Self.residentMemory(of: nil)
        let hostAfter = try Self.residentMemory(of: bridge.processID)
        await bridge.stop()
        return SoakMemory(before: before, after: after, hostBefore: hostBefore, hostAfter: hostAfter)
    }

    func startOutOfDescriptors() async throws -> DescriptorExhaustion {
        try await startCallStop()
        let before = try await Self.settledCensus()
        // Room for one more descriptor, not the four a bridge needs (its descriptors are the
        // lowest free numbers, and this process's are 0 to before.descriptors - 1).
        return try await Self.startAtLimit(RLIMIT_NOFILE.rawValue, soft: rlim_t(before.descriptors + 1), before: before)
    }

    func startOutOfProcesses() async throws -> DescriptorExhaustion {
        guard getuid() != 0 else { throw ProbeError("RLIMIT_NPROC does not bind root: run this probe as another user") }
        // The threads a start may need (the launch thread, the event loop, the reader threads)
        // exist before the limit is lowered: a new thread counts as a process too.
        try await startCallStop()
        let bridge = try await Bridge<Echoer>.start()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 { group.addTask { _ = try await bridge.client.echoText("warm") } }
            try await group.waitForAll()
        }
        await bridge.stop()
        let before = try await Self.settledCensus()
        // This user already runs more: no new process (or thread) for it.
        return try await Self.startAtLimit(__RLIMIT_NPROC.rawValue, soft: 1, before: before)
    }

    /// Starts a bridge with the soft limit of `resource` at `soft`, then, with the limit
    /// restored, counts what is left (against `before`) and starts one more.
    private static func startAtLimit(_ resource: UInt32, soft: rlim_t, before: ProcessCensus) async throws -> DescriptorExhaustion {
        let which = __rlimit_resource_t(resource)
        var limit = rlimit()
        guard getrlimit(which, &limit) == 0 else { throw ProbeError("getrlimit failed") }
        var saved = limit
        limit.rlim_cur = soft
        guard setrlimit(which, &limit) == 0 else { throw ProbeError("setrlimit failed") }
        var error: BridgeError?
        do {
            let bridge = try await Bridge<Echoer>.start()
            await bridge.stop()
        } catch let failure as BridgeError {
            error = failure
        }
        guard setrlimit(which, &saved) == 0 else { throw ProbeError("setrlimit failed") }
        let after = try await Self.settledCensus(atMost: before)
        let answer = try await withBridge(Echoer.self) { try await $0.echoText("again") }
        return DescriptorExhaustion(error: error, before: before, after: after, answerAfter: answer)
    }

    func openAtOnce(_ count: Int) async throws -> CycleCensus {
        try await startCallStop()
        let before = try await Self.settledCensus()
        // One after another: started all at once, the hosts' start-up would load the machine
        // enough to push the suite's timed calls past their limits.
        var bridges: [Bridge<Echoer>] = []
        for _ in 0..<count { bridges.append(try await Bridge<Echoer>.start()) }
        // A call in flight on each: 64 KiB that the host echoes while the census is taken.
        let block = Data(repeating: 0x5A, count: 64 << 10)
        let during = try await withThrowingTaskGroup(of: Void.self) { group -> ProcessCensus in
            for bridge in bridges {
                group.addTask {
                    for _ in 0..<20 {
                        guard try await bridge.client.echoData(block) == block else { throw ProbeError("echoData came back changed") }
                    }
                }
            }
            let census = try Self.census()
            try await group.waitForAll()
            return census
        }
        await withTaskGroup(of: Void.self) { group in
            for bridge in bridges { group.addTask { await bridge.stop() } }
        }
        bridges = []  // a stopped bridge keeps its descriptors until it is released
        let after = try await Self.settledCensus(atMost: before, within: .seconds(8))
        return CycleCensus(before: before, during: during, after: after)
    }

    private func startCallStop(whileRunning body: () throws -> Void = {}) async throws {
        let bridge = try await Bridge<Echoer>.start()
        _ = try await bridge.client.echoText("cycle")
        try body()
        await bridge.stop()
    }

    private static func calls(_ count: Int, on echo: Echoer.BridgeClient) async throws {
        let block = Data(repeating: 0xA5, count: 64 << 10)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for index in stride(from: task, to: count, by: 8) {
                        if index % 2 == 0 {
                            let text = "call \(index)"
                            guard try await echo.echoText(text) == text else { throw ProbeError("echoText(\(index)) came back changed") }
                        } else {
                            guard try await echo.echoData(block) == block else { throw ProbeError("echoData(\(index)) came back changed") }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    private static func settledCensus(atMost limit: ProcessCensus? = nil, within timeout: Duration = .seconds(1)) async throws -> ProcessCensus {
        guard let census = await ProcessCensus.settled(atMost: limit, within: timeout) else { throw ProbeError("/proc could not be read") }
        return census
    }

    private static func census() throws -> ProcessCensus {
        guard let census = ProcessCensus.take() else { throw ProbeError("/proc could not be read") }
        return census
    }

    private static func residentMemory(of processID: Int32?) throws -> Int {
        guard let bytes = ProcessCensus.residentMemory(of: processID) else {
            throw ProbeError("VmRSS of \(processID.map { "pid \($0)" } ?? "this process") could not be read")
        }
        return bytes
    }
}

struct ProbeError: Error, Codable, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

