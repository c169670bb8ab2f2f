@testable import Bridge
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Cycles supervised bridges and pools in a host of its own (as `HygieneProbe` does for plain
/// bridges), so that the tests running beside it do not move what it counts.
protocol RestartHygieneProbe: Bridged {
    /// Each cycle: a bridge with a restart policy, a hang watch and a call limit, whose host
    /// is killed and replaced, then replaced after its calls; and a pool of 2, one of whose
    /// hosts is killed and replaced; and one such bridge that is never restarted; then all
    /// stopped.
    func cycleSupervised(_ cycles: Int, warmUp: Int) async throws -> CycleCensus
}

final class LocalRestartHygieneProbe: RestartHygieneProbe {
    init() {}

    func cycleSupervised(_ cycles: Int, warmUp: Int) async throws -> CycleCensus {
        for _ in 0..<warmUp { try await cycle() }
        let before = try Self.settled(await ProcessCensus.settled(within: .seconds(1)))
        var during = before
        for _ in 0..<cycles {
            try await cycle { during = try Self.settled(ProcessCensus.take()) }
        }
        let after = try Self.settled(await ProcessCensus.settled(atMost: before, within: .seconds(8)))
        return CycleCensus(before: before, during: during, after: after)
    }

    private func cycle(whileRunning body: () throws -> Void = {}) async throws {
        let restarts = RestartCounter()
        let options = BridgeOptions(
            output: .discard, events: restarts.handler, limits: .init(coreDumps: false),
            restart: .onCrash(maximumRestarts: 10, within: .seconds(60)), hangTimeout: .seconds(5), maximumCallsPerHost: 3,
            spareHosts: 1)
        let bridge = try await Bridge<RestartingHost>.start(options) { try await $0.store(1) }
        _ = try await bridge.client.processID()
        kill(bridge.processID, SIGKILL)
        await restarts.wait(for: 1)
        for _ in 0..<4 { _ = try await bridge.client.processID() }  // past the call limit
        let pool = try await BridgePool<RestartingHost>.start(size: 2, options: options)
        kill(pool.processIDs[0], SIGKILL)
        await restarts.wait(for: 2)
        _ = try await pool.client.double(2)
        // Never restarted: its first host's connection (the client's way in) is still the
        // relay's host when the bridge goes.
        let quiet = try await Bridge<RestartingHost>.start(options)
        _ = try await quiet.client.processID()
        try body()
        await bridge.stop()
        await pool.stop()
        await quiet.stop()
    }

    private static func settled(_ census: ProcessCensus?) throws -> ProcessCensus {
        guard let census else { throw ProbeError("/proc could not be read") }
        return census
    }
}

/// Counts `.restarted` events and lets a task wait for a number of them.
private final class RestartCounter: Sendable {
    private let state = Locked<(count: Int, waiters: [(Int, CheckedContinuation<Void, Never>)])>((0, []))

    var handler: @Sendable (BridgeEvent) -> Void {
        { [self] event in
            guard case .restarted = event else { return }
            let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.count += 1
                let count = state.count
                defer { state.waiters.removeAll { $0.0 <= count } }
                return state.waiters.filter { $0.0 <= count }.map(\.1)
            }
            for waiter in ready { waiter.resume() }
        }
    }

    func wait(for count: Int) async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Bool in
                if state.count >= count { return true }
                state.waiters.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }
}
