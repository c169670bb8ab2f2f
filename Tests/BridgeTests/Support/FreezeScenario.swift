import Bridge
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where a scenario freezes its host (`SIGSTOP`), or has it stall mid-frame.
enum FreezePoint: String, CaseIterable, Codable, Sendable {
    /// Stopped from outside before it sends a small reply.
    case smallReply
    /// Stopped (by itself) after the first MiB of a 32 MiB reply.
    case largeReply
    /// Stopped from outside after a stream's first element, before the next.
    case streamElement
    /// Stopped from outside while the parent runs the host's callback call.
    case callback
    /// Not stopped: a partial frame on the side channel during a callback, and the host
    /// stays alive.
    case sideChannelStall
}

/// How the waiting caller stops waiting.
enum CallerEnd: String, CaseIterable, Codable, Sendable {
    /// `BridgeOptions.callTimeout` runs out.
    case timeLimit
    /// Its task is cancelled once the host is frozen.
    case cancellation
}

/// What one frozen-host scenario saw.
struct FreezeOutcome: Codable, Sendable {
    /// The caller's error: a `BridgeError`'s code, `CancellationError`, something else;
    /// `returned` (for a stream: it ended without an error), or `no end` when the call did
    /// not end within a minute.
    var error: String
    /// From the call (time limit) or the cancel (cancellation) to the caller's error.
    var toError: Duration
    /// The host was still frozen (or, for a stall, still alive) when the call had ended: it
    /// ended because of the limit or the cancel, not because the host went away.
    var hostStillHeld: Bool
    /// Every call on another bridge, made while the host was still frozen, answered.
    var otherBridgeAnswered: Bool
    /// How long `stop()` took.
    var stopDuration: Duration
    var termination: HostTermination?
    /// The host is reaped, not a zombie.
    var hostGone: Bool

    static let cancellationName = "CancellationError"
}

/// Parent-side witness: the host's callback reaches it, and it returns only when the test has
/// frozen the host.
final class GatedWitness: FreezeWitness {
    let arrived = Locked(false)
    let released = OneShotValue<Void>()

    func reached() async throws {
        arrived.withLock { $0 = true }
        await released.value()
    }
}

/// One row of issue 14's fault matrix, run end to end with real processes: by the tests here
/// and, in a probe host, for the census of what it leaves behind.
enum FreezeScenario {
    /// Starts a `LocalFreezable` bridge, makes the call for `point`, freezes the host there,
    /// makes the caller stop waiting the `end` way, checks that `other` (another bridge)
    /// still answers, and stops the frozen host.
    /// - Throws: When the host never reaches the point (within 20 s).
    static func run(
        _ point: FreezePoint, _ end: CallerEnd, callTimeout: Duration, stopTimeout: Duration,
        scratch: String, other: Bridge<LocalFreezable>
    ) async throws -> FreezeOutcome {
        var options = BridgeOptions(stopTimeout: stopTimeout)
        if end == .timeLimit { options.callTimeout = callTimeout }
        let bridge = try await Bridge<LocalFreezable>.start(options)
        let client = bridge.client
        let host = bridge.processID
        let marker = scratch + "/\(point.rawValue)-\(host)"
        let witness = GatedWitness()
        let began = ContinuousClock.now
        let call = Task { () -> (any Error)? in
            do {
                switch point {
                case .smallReply: _ = try await client.smallReply(marker: marker)
                case .largeReply: _ = try await client.largeReply()
                case .streamElement:
                    for try await _ in try await client.elements(marker: marker) {
                        witness.arrived.withLock { $0 = true }  // the consumer took the first element
                    }
                case .callback: _ = try await client.callBack(witness)
                case .sideChannelStall: _ = try await client.stallSideChannel(witness, marker: marker)
                }
                return nil
            } catch {
                return error
            }
        }
        let reached = await freeze(host, at: point, marker: marker, witness: witness)
        var cancelled = began
        if end == .cancellation {
            cancelled = ContinuousClock.now
            call.cancel()
        }
        guard reached else {
            call.cancel()
            await bridge.stop()
            throw ProbeError("the host never reached \(point)")
        }
        let error = await bounded(within: .seconds(60)) { await call.value }
        let ended = ContinuousClock.now
        let hostStillHeld = point == .sideChannelStall ? !processIsGone(host) : processIsStopped(host)
        let otherBridgeAnswered = await bounded(within: .seconds(60)) {
            await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<4 { group.addTask { (try? await other.client.quick()) == 1 } }
                return await group.allSatisfy { $0 }
            }
        } ?? false
        let stopBegan = ContinuousClock.now
        _ = await bounded(within: .seconds(60)) { await bridge.stop() }
        let stopDuration = ContinuousClock.now - stopBegan
        let gone = await eventually(within: .seconds(5)) { processIsGone(host) }
        return FreezeOutcome(
            error: error.map { $0.map(Self.name) ?? "returned" } ?? "no end",
            toError: ended - (end == .cancellation ? cancelled : began),
            hostStillHeld: hostStillHeld, otherBridgeAnswered: otherBridgeAnswered,
            stopDuration: stopDuration, termination: bridge.termination, hostGone: gone)
    }

    /// Brings the host to `point`; returns whether it got there.
    private static func freeze(_ host: Int32, at point: FreezePoint, marker: String, witness: GatedWitness) async -> Bool {
        let limit = Duration.seconds(20)
        switch point {
        case .largeReply:
            return await eventually(within: limit) { processIsStopped(host) }
        case .smallReply, .streamElement:
            guard await eventually(within: limit, { FileManager.default.fileExists(atPath: marker) }) else { return false }
            if point == .streamElement, !(await eventually(within: limit, { witness.arrived.withLock { $0 } })) { return false }
            kill(host, SIGSTOP)
            return await eventually(within: limit) { processIsStopped(host) }
        case .callback:
            guard await eventually(within: limit, { witness.arrived.withLock { $0 } }) else { return false }
            kill(host, SIGSTOP)
            let stopped = await eventually(within: limit) { processIsStopped(host) }
            witness.released.set(())
            return stopped
        case .sideChannelStall:
            return await eventually(within: limit) { FileManager.default.fileExists(atPath: marker) }
        }
    }

    private static func name(_ error: any Error) -> String {
        if let error = error as? BridgeError { return error.code.name }
        if error is CancellationError { return FreezeOutcome.cancellationName }
        return String(describing: error)
    }
}

/// Whether process `pid` is stopped (`SIGSTOP`, state `T`).
func processIsStopped(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")")
    else { return false }
    return stat[stat.index(close, offsetBy: 2)...].prefix(1) == "T"
}

/// What `body` returns, or nil if it has not returned within `timeout` (it is left running):
/// so that a scenario that would hang fails instead. Not a task group, which would wait for
/// the body anyway.
func bounded<T: Sendable>(within timeout: Duration, _ body: @escaping @Sendable () async -> T) async -> T? {
    let result = OneShotValue<T?>()
    let timer = Task {
        try? await Task.sleep(for: timeout)
        result.set(nil)
    }
    Task { result.set(await body()) }
    defer { timer.cancel() }
    return await result.value()
}
