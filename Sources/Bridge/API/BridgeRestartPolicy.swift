/// What a bridge does when its host ends in any way but `stop()`: a crash, a signal, an exit,
/// or a hang past `BridgeOptions.hangTimeout`.
///
/// ```swift
/// let options = BridgeOptions(restart: .onCrash(maximumRestarts: 5, within: .seconds(60)))
/// let bridge = try await Bridge<Parser>.start(options) { parser in
///     try await parser.load(grammar)  // rebuild what the fresh host needs, before calls go on
/// }
/// ```
///
/// Calls in flight when the host ends fail with `BridgeError.hostExited`, as without a
/// policy: a call may have run, in part or whole, before the host died, so it is never sent
/// again behind its caller's back. Calls made while the replacement starts wait for it (at most
/// `startTimeout`, and at most their own `callTimeout`, and only until they are cancelled or the
/// bridge stops). A fresh host starts with `init()` (or `init(configuration:)`), runs its start
/// hook, then the parent's `restarted` hook (see `Bridge.start(_:restarted:)`), then serves.
///
/// The objects the parent passed to the old host (callbacks, `SharedState`) belong to that host
/// and are gone with it: a fresh host starts without them. Pass them again in the `restarted`
/// hook if the host needs them.
public enum BridgeRestartPolicy: Sendable, Hashable {
    /// The bridge ends with its host (the default): later calls fail with `hostExited`.
    case never
    /// The host is replaced by a fresh one, up to `maximumRestarts` times within any window
    /// of `within`; the next crash in the window ends the bridge as `.never` would. A
    /// replacement that fails to start counts as a crash of its own.
    case onCrash(maximumRestarts: Int, within: Duration)
}

extension BridgeRestartPolicy {
    /// Fails early on a policy that cannot be honoured.
    func check() throws(BridgeError) {
        guard case .onCrash(let maximumRestarts, let window) = self else { return }
        guard maximumRestarts >= 0 else {
            throw .startFailed("BridgeOptions.restart allows \(maximumRestarts) restarts; the number cannot be negative (use .never for none)")
        }
        guard window > .zero else {
            throw .startFailed("BridgeOptions.restart counts restarts within \(window); the window must be longer than zero")
        }
    }

    /// Whether a host that ended may be replaced, given the times of the restarts so far
    /// (the ones older than the window are dropped).
    func allowsRestart(after restarts: inout [ContinuousClock.Instant], now: ContinuousClock.Instant) -> Bool {
        guard case .onCrash(let maximumRestarts, let window) = self else { return false }
        restarts.removeAll { now - $0 >= window }
        return restarts.count < maximumRestarts
    }
}
