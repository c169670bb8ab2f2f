// Issue 14's frozen-host rows (and, in Garbage.swift, its garbage rows), each run many times in
// a row: `bridge-soak faults [rounds]`.
// Per row: how soon the caller's error came, how long stop() took, and what the row left
// behind (processes, threads, descriptors), which must be nothing.
import Bridge
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Where a round freezes its host, or has it stall mid-frame.
enum FaultPoint: String, CaseIterable {
    case smallReply = "small reply"
    case largeReply = "32 MiB reply"
    case streamElement = "stream element"
    case callback = "callback call"
    case sideChannelStall = "side channel stall"
}

/// How the caller stops waiting: its time limit, or its task's cancellation.
enum FaultEnd: String, CaseIterable {
    case timeLimit = "callTimeout"
    case cancellation = "cancel"
}

/// The parent's gate: the host's callback reaches it and waits until the round froze the host.
final class SoakGateKeeper: SoakGate {
    let arrived = Atomic<Bool>(false)
    let released = Atomic<Bool>(false)

    func reached() async throws {
        arrived.store(true, ordering: .sequentiallyConsistent)
        while !released.load(ordering: .sequentiallyConsistent) { try await Task.sleep(for: .milliseconds(1)) }
    }
}

let faultCallTimeout = Duration.milliseconds(100)
let faultStopTimeout = Duration.milliseconds(100)

/// What one round measured.
struct FaultRound {
    /// From the call (time limit) or the cancel to the caller's error.
    var toError: Duration
    var stop: Duration
}

/// Waits, polling every 100 µs, until `condition` holds; fails after `timeout`.
func waitUntil(_ what: @autoclosure () -> String, within timeout: Duration = .seconds(20), _ condition: () -> Bool) throws {
    let deadline = clock.now + timeout
    while !condition() {
        guard clock.now < deadline else { throw SoakFailure(description: "\(what()) did not happen within \(timeout)") }
        usleep(100)
    }
}

/// Whether process `pid` is stopped (`SIGSTOP`).
func processIsStopped(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")")
    else { return false }
    return stat[stat.index(close, offsetBy: 2)...].prefix(1) == "T"
}

/// One round of one row: a host frozen at `point`, the caller ended the `end` way while it is
/// still frozen, another bridge answering meanwhile, and the host stopped.
func faultRound(_ point: FaultPoint, _ end: FaultEnd, other: Bridge<LocalSoakFreezable>, scratch: String) async throws -> FaultRound {
    var options = BridgeOptions(stopTimeout: faultStopTimeout, output: .discard)
    if end == .timeLimit { options.callTimeout = faultCallTimeout }
    // The large reply is written onto the socket itself, which a bridge with shared memory
    // reads only for doorbells: this row is the socket reader's (the ring's frozen and
    // hostile writers are the test suite's, FrozenHostTests and BridgeSocketGarbageTests).
    if point == .largeReply { options.usesSharedMemory = false }
    let bridge = try await Bridge<LocalSoakFreezable>.start(options)
    let client = bridge.client
    let host = bridge.processID
    let marker = scratch + "/\(host)"
    let gate = SoakGateKeeper()
    let firstElement = Atomic<Bool>(false)
    let began = clock.now
    let call = Task { () -> (Error?, ContinuousClock.Instant) in
        do {
            switch point {
            case .smallReply: _ = try await client.smallReply(marker: marker)
            case .largeReply: _ = try await client.largeReply()
            case .streamElement:
                for try await _ in try await client.elements(marker: marker) { firstElement.store(true, ordering: .sequentiallyConsistent) }
            case .callback: _ = try await client.callBack(gate)
            case .sideChannelStall: _ = try await client.stallSideChannel(gate, marker: marker)
            }
            return (nil, clock.now)
        } catch {
            return (error, clock.now)
        }
    }
    let row = "\(point.rawValue), \(end.rawValue)"
    switch point {
    case .largeReply:
        try waitUntil("\(row): the host stopping itself") { processIsStopped(host) }
    case .smallReply, .streamElement, .callback:
        switch point {
        case .callback: try waitUntil("\(row): the callback") { gate.arrived.load(ordering: .sequentiallyConsistent) }
        case .streamElement: try waitUntil("\(row): the first element") { firstElement.load(ordering: .sequentiallyConsistent) }
        default: try waitUntil("\(row): the host's marker") { FileManager.default.fileExists(atPath: marker) }
        }
        kill(host, SIGSTOP)
        try waitUntil("\(row): the host stopping") { processIsStopped(host) }
        gate.released.store(true, ordering: .sequentiallyConsistent)
    case .sideChannelStall:
        try waitUntil("\(row): the host's marker") { FileManager.default.fileExists(atPath: marker) }
    }
    let cancelled = clock.now
    if end == .cancellation { call.cancel() }
    let (error, ended) = await call.value
    try? FileManager.default.removeItem(atPath: marker)
    let held = point == .sideChannelStall ? !processIsGone(host) : processIsStopped(host)
    guard held else { throw SoakFailure(description: "\(row): the call ended only once the host was gone") }
    try checkFault(error, row: row, end: end, point: point)
    // The caller's thread is free: another bridge answers while this host is still held.
    guard try await other.client.quick() == 1 else { throw SoakFailure(description: "\(row): the other bridge answered wrongly") }
    let stopBegan = clock.now
    await bridge.stop()
    let stopped = clock.now - stopBegan
    let expected: HostTermination = point == .sideChannelStall ? .signaled(SIGTERM) : .signaled(SIGKILL)
    guard bridge.termination == expected else {
        throw SoakFailure(description: "\(row): the host ended \(String(describing: bridge.termination)), expected \(expected)")
    }
    return FaultRound(toError: ended - (end == .cancellation ? cancelled : began), stop: stopped)
}

func checkFault(_ error: Error?, row: String, end: FaultEnd, point: FaultPoint) throws {
    switch end {
    case .timeLimit:
        if let error = error as? BridgeError, error.code == .timedOut { return }
    case .cancellation:
        if error is CancellationError { return }
        // A cancel between two `next()` calls ends an `AsyncThrowingStream(unfolding:)`
        // without an error.
        if point == .streamElement && error == nil { return }
    }
    throw SoakFailure(description: "\(row): the call ended with \(error.map { "\($0)" } ?? "a result")")
}

/// Runs `round` `rounds` times and prints the row: the caller's error and `stop()`, median and
/// maximum, and what the rounds left behind.
/// - Returns: Whether nothing was left behind.
func runRow(_ row: String, rounds: Int, _ round: () async throws -> FaultRound) async throws -> Bool {
    let before = try await settledCensus()
    var results: [FaultRound] = []
    for _ in 0..<rounds { results.append(try await round()) }
    // A pool thread the concurrency runtime added under load ends only after seconds of idling
    // (as HygieneTests found): counts that settle at once return at once.
    let after = try await settledCensus(atMost: before, within: .seconds(8))
    if !after.isNoLarger(than: before) { print("  before: \(before)\n  after:  \(after)") }
    let processes = after.children + after.zombies - before.children - before.zombies
    let threads = (after.threads - after.readerThreads) - (before.threads - before.readerThreads)
    let descriptors = after.descriptors - before.descriptors
    // A pool thread the runtime kept is shown, not counted as a leak (which grows with rounds).
    let leaked = !after.isNoLarger(than: before, sparing: ProcessCensus.poolWidth) || after.zombies > 0
    let toError = summary(results.map(\.toError))
    let stop = summary(results.map(\.stop))
    print(row.padding(toLength: 36, withPad: " ", startingAt: 0)
          + milliseconds(toError.median).leftPadded(10) + milliseconds(toError.max).leftPadded(8)
          + milliseconds(stop.median).leftPadded(9) + milliseconds(stop.max).leftPadded(8)
          + "\(max(0, processes))".leftPadded(12) + "\(max(0, threads))".leftPadded(4) + "\(max(0, descriptors))".leftPadded(4))
    return !leaked
}

func faults(_ rounds: Int) async throws {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("bridge-soak-\(getpid())").path
    try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    let other = try await Bridge<LocalSoakFreezable>.start()
    // The threads that stay (launch, readers, event loop, pool) start with a first round.
    for point in FaultPoint.allCases {
        for end in FaultEnd.allCases { _ = try await faultRound(point, end, other: other, scratch: scratch) }
    }
    print("\(rounds) rounds per row; callTimeout \(faultCallTimeout), stopTimeout \(faultStopTimeout); times in ms")
    print("to error: from the call for callTimeout and garbage rows (so it includes the limit), from the cancel for cancel rows")
    print("row                                  error med   max   stop med   max   left  proc thr fd")
    var leaked = false
    for point in FaultPoint.allCases {
        for end in FaultEnd.allCases {
            let row = "\(point.rawValue), \(end.rawValue)"
            if try await !runRow(row, rounds: rounds, { try await faultRound(point, end, other: other, scratch: scratch) }) { leaked = true }
        }
    }
    for row in GarbageRow.allCases {
        _ = try await garbageRound(row, other: other)  // its first round starts what stays
        if try await !runRow(row.rawValue, rounds: rounds, { try await garbageRound(row, other: other) }) { leaked = true }
    }
    await other.stop()
    guard !leaked else { throw SoakFailure(description: "a row left something behind: leak") }
    print("nothing left behind")
}
