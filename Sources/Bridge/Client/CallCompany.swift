/// How the calls that tasks make at once go out and come back: whether a task whose call
/// finds nothing else in flight waits a turn for company (other tasks that are ready to run
/// and about to call the same host, whose calls would then go out with it in one write and
/// come back in one read), and whether the task that sends a batch reads its replies.
///
/// A task that reads its own reply holds its thread until the reply comes, so on a pool of one
/// thread (a process pinned to one CPU) tasks calling at once never overlap: each runs its calls
/// alone, paying a round trip apiece. Waiting a turn (`Task.yield`) lets them add their calls
/// first, but costs a lone caller a hop through the pool every call. So a lone call waits only
/// while the last batch had company, and otherwise every `probeEvery`-th lone call, to find
/// out whether company came. (With 8 tasks calling at once on one CPU, 4.4 µs a call instead of
/// 6.5; a lone call pays the hop once every 32 calls.)
///
/// The task that sent a batch reads its replies on its own thread, and resumes the other
/// callers there, where a reader thread would have to be woken, and would then wake a pool
/// thread for them.
///
/// Both pay only where the concurrency pool runs one thing at a time: in a process on one CPU
/// (`System.runsOnOneCPU`), whose pool has one thread. With more, the pool runs the callers
/// side by side, a yield lets another thread take the caller (a lone call across two CPUs
/// had a p99 of 30-100 µs, against 3-5), and calls made beside a reading task go out in a
/// second batch that it does not wait for, so it hands the role to the reader thread after
/// all (8 calls in flight across two CPUs: 9-14 µs a call, against 2-3 with the reader
/// thread alone). There every call goes out as it comes and the reader thread reads for calls
/// in flight together. A pool larger than its process's one CPU (pinned after the pool
/// started) is found out the same way: once a batch's reader leaves calls waiting, the reader
/// thread reads for the next `readerThreadTurns` batches.
struct CallCompany {
    static let probeEvery = 32
    static let readerThreadTurns = 64

    /// Whether calls go out in batches read by their sender: in a process on one CPU.
    let batches: Bool
    /// The last batch went out with other calls in flight.
    private var expected = false
    private var loneCallsSinceProbe = 0
    /// Batches still to be read by the reader thread before a sender reads again.
    private var readerThreadBatches = 0

    /// - Parameter batches: The process runs on one CPU.
    init(batches: Bool) {
        self.batches = batches
    }

    /// A task makes a call while nothing else is in flight: whether it waits a turn for company.
    mutating func waitsForCompany() -> Bool {
        guard batches else { return false }
        if expected { return true }
        loneCallsSinceProbe += 1
        guard loneCallsSinceProbe >= Self.probeEvery else { return false }
        loneCallsSinceProbe = 0
        return true
    }

    /// Whether the task that sends the next batch reads its replies (else the reader thread).
    var senderReads: Bool { batches && readerThreadBatches == 0 }

    /// A batch of calls went out, with `callsInFlight` calls waiting for replies.
    mutating func batchSent(callsInFlight: Int) {
        expected = callsInFlight > 1
        if readerThreadBatches > 0 { readerThreadBatches -= 1 }
    }

    /// The task that read a batch's replies gave the reading role up: with its own reply,
    /// or out of patience; `othersWaiting` if other calls still wait for theirs.
    mutating func senderStoppedReading(othersWaiting: Bool) {
        if othersWaiting { readerThreadBatches = Self.readerThreadTurns }
    }
}
