import CBridge

/// How long a side of a `SharedMemoryChannel` spins, waiting for the other, before it sleeps:
/// a budget that learns from the waits before.
///
/// Spinning helps only when the other side runs on another CPU at the same time. A spin that
/// saw the wait end doubles the next budget (up to `maximum`); one that did not halves it,
/// down to none. With none, every 32nd wait spins `probe` again, to find out whether things
/// changed. Client and host on one CPU thus soon stop spinning, and a hot conversation across
/// two CPUs never sleeps.
///
/// A machine with more runnable threads than CPUs is the other danger: every spinner takes a
/// CPU from a thread with work to do (the test suite, with a hundred bridges on two CPUs, ran
/// several times slower). So after the first `alone` of a spin, each round yields the CPU
/// (`sched_yield`, nearly free when nothing else waits to run), and a yield that took long,
/// because another thread ran, ends the spin: the machine has better use for the CPU.
///
/// Client and host on one CPU wait differently (`Pace.yieldingEveryRound`): every round yields
/// the CPU, which runs the other side if it is ready, and a yield that ran another thread is
/// what the wait is for. Neither side then sleeps on a futex while a conversation is hot, so no
/// call pays a wake-up: on one CPU a call costs two yields instead of two sleeps and two
/// wake-ups (measured: 0.56-0.59x the socket floor, against 0.84-0.92x sleeping, in runs
/// alternated with that build). Its budget is short (`yieldingMaximum`, and its probe is the
/// same, so the budget is that or none): the other side's turn is all it waits for, and a side
/// that waits longer sleeps as before.
struct AdaptiveSpin {
    /// How a spin waits between looks.
    enum Pace {
        /// For another CPU: pauses, then yields once it has spun `alone`.
        case pausing
        /// For a side on this CPU: yields every round, so that the other side runs.
        case yieldingEveryRound
    }

    /// Long enough to outlast the other side's wake-up across CPUs (20–40 µs on the
    /// development VM): shorter, and two sides that both fell asleep never learn to spin
    /// again, each wait paying the other's wake-up (measured: 90 µs a call instead of 4).
    static let maximum: UInt64 = 100_000  // ns
    static let probe: UInt64 = 50_000  // ns
    /// How long a spin keeps its CPU before it starts yielding it between looks.
    static let alone: UInt64 = 2_000  // ns
    /// A yield that took longer ran another thread: the spin ends.
    static let contended: UInt64 = 5_000  // ns
    static let pausesBetweenLooks = 4
    /// The longest a side on the other side's CPU yields for it: a few of its turns. (20 µs
    /// and 100 µs measured alike on one CPU; the shorter wastes less when the other side has
    /// gone to sleep.)
    static let yieldingMaximum: UInt64 = 20_000  // ns

    private let pace: Pace
    private let maximum: UInt64
    private let probe: UInt64
    private var budget: UInt64
    /// Waits since the last probe, while the budget is none.
    private var waitsWithoutSpin = 0

    init(_ pace: Pace = .pausing) {
        self.pace = pace
        maximum = pace == .pausing ? Self.maximum : Self.yieldingMaximum
        probe = pace == .pausing ? Self.probe : Self.yieldingMaximum
        budget = maximum
    }

    /// Whether the waits before found the other side running at the same time (the budget
    /// is not none): then it likely runs on another CPU now.
    var expectsTheOtherSideAwake: Bool { budget > 0 }

    /// Spins until `done` holds or the budget is spent, and learns from which came first; or
    /// until `worthIt` no longer holds, which teaches it nothing.
    /// - Returns: Whether `done` held.
    mutating func spin<Failure: Error>(
        until done: () throws(Failure) -> Bool, while worthIt: () -> Bool = { true }
    ) throws(Failure) -> Bool {
        var allowed = budget
        if allowed == 0 {
            waitsWithoutSpin += 1
            guard waitsWithoutSpin >= 32 else { return false }
            waitsWithoutSpin = 0
            allowed = probe
        }
        let start = cbridge_monotonic_nanoseconds()
        var rounds = 0
        var yielding = false
        while true {
            if pace == .yieldingEveryRound {
                cbridge_yield()
            } else if yielding {
                let before = cbridge_monotonic_nanoseconds()
                cbridge_yield()
                // The yield ran another thread: the CPUs have more work than room, and this
                // spin takes time from it. Sleep instead.
                if cbridge_monotonic_nanoseconds() - before > Self.contended { break }
            } else {
                // A look every few pauses: a pause takes 27 ns on the development VM's AMD
                // CPU (more on some Intel ones), and with 64 between looks a call across two
                // CPUs waited up to 1.7 µs on each side to be seen (2.4-4.1 µs a call, now
                // 1.3-2.5 µs, in runs alternated with that build).
                for _ in 0..<Self.pausesBetweenLooks { cbridge_cpu_relax() }
            }
            if try done() {
                budget = min(max(budget * 2, probe), maximum)
                return true
            }
            guard worthIt() else { return false }
            rounds += 1
            // The clock is read every 8 rounds (a few hundred nanoseconds) while spinning
            // alone: it costs more than a look.
            if yielding || pace == .yieldingEveryRound || rounds % 8 == 0 {
                let spent = cbridge_monotonic_nanoseconds() - start
                if spent >= allowed { break }
                yielding = spent >= Self.alone
            }
        }
        budget = budget / 2 < 1_000 ? 0 : budget / 2
        return false
    }
}
