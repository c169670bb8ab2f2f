/// Pings a host on its side channel and kills it (`SIGKILL`) when it does not answer within
/// `BridgeOptions.hangTimeout`: the host's end then counts as a crash, for the restart policy.
///
/// The host answers on its side channel's own thread, so a host whose every pool thread runs
/// a long call still answers; only a host that cannot run at all (stopped, frozen, its runtime
/// deadlocked) does not. A ping goes out every `timeout / 2` (at most every second) after the
/// last answer, so a hang is seen within about one and a half `timeout`s.
final class HangWatch: Sendable {
    private struct State {
        var sequence: UInt32 = 0
        /// The answer the watch waits for: the sequence number of the last ping.
        var awaited: (sequence: UInt32, answer: OneShot<Void>)?
        var answered = 0
        var hung = false
        var task: Task<Void, Never>?
    }

    private let state = Locked(State())
    private let timeout: Duration

    /// - Parameters:
    ///   - timeout: How long the host may take to answer a ping.
    init(timeout: Duration) {
        self.timeout = timeout
    }

    /// Whether the watch killed the host for not answering.
    var killedTheHost: Bool { state.withLock { $0.hung } }

    /// How many pings the host answered; for tests, which wait for a number of rounds
    /// instead of sleeping.
    var answeredPings: Int { state.withLock { $0.answered } }

    /// Starts pinging `host` through `side` until the host ends or `cancel()`.
    func start(side: SideChannel, host: HostProcess) {
        side.watchPongs { [weak self] sequence in self?.answered(sequence) }
        let interval = min(timeout / 2, .seconds(1))
        let task = Task { [self] in
            while !Task.isCancelled, host.termination.value == nil {
                let (sequence, answer) = nextPing()
                side.send(.ping, callID: sequence)
                let answered = await answer.wait(timeout: timeout) != nil
                if Task.isCancelled || host.termination.value != nil { return }
                guard answered else {
                    state.withLock { $0.hung = true }
                    host.kill(because: "as it answered no ping within \(timeout) (BridgeOptions.hangTimeout)")
                    return
                }
                try? await Task.sleep(for: interval)
            }
        }
        state.withLock { $0.task = task }
    }

    /// Stops pinging: the host is being stopped, or is gone.
    func cancel() {
        state.withLock { $0.task }?.cancel()
    }

    private func nextPing() -> (UInt32, OneShot<Void>) {
        state.withLock { state in
            state.sequence &+= 1
            let answer = OneShot<Void>()
            state.awaited = (state.sequence, answer)
            return (state.sequence, answer)
        }
    }

    /// A pong came: it answers the ping awaited if it carries its number (a late answer to an
    /// earlier ping says nothing about now).
    private func answered(_ sequence: UInt32) {
        let answer = state.withLock { state -> OneShot<Void>? in
            guard let awaited = state.awaited, awaited.sequence == sequence else { return nil }
            state.awaited = nil
            state.answered += 1
            return awaited.answer
        }
        answer?.set(())
    }
}
