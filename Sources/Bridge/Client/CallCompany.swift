/// Whether a task's call that finds nothing else in flight waits a turn for company: other
/// tasks that are ready to run and about to call the same host, whose calls would then go out
/// with it in one write and come back in one read.
///
/// A task that reads its own reply holds its thread until the reply comes, so on a pool of one
/// thread (a process pinned to one CPU) tasks calling at once never overlap: each runs its calls
/// alone, paying a round trip apiece. Waiting a turn (`Task.yield`) lets them add their calls
/// first, but costs a lone caller a hop through the pool every call. So a lone call waits only
/// while the last batch had company, and otherwise every `probeEvery`-th lone call, to find
/// out whether company came. (With 8 tasks calling at once on one CPU, 4.4 µs a call instead of
/// 6.5; a lone call pays the hop once every 32 calls.)
struct CallCompany {
    static let probeEvery = 32

    /// The last batch sent held more than one call.
    private var expected = false
    private var loneCallsSinceProbe = 0

    /// A task makes a call while nothing else is in flight: whether it waits a turn for company.
    mutating func waitsForCompany() -> Bool {
        if expected { return true }
        loneCallsSinceProbe += 1
        guard loneCallsSinceProbe >= Self.probeEvery else { return false }
        loneCallsSinceProbe = 0
        return true
    }

    /// A batch of calls went out, with `callsInFlight` calls waiting for replies.
    mutating func batchSent(callsInFlight: Int) {
        expected = callsInFlight > 1
    }
}
