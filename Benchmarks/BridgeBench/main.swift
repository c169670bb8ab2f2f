// Measures the bridge against floors taken in the same run: raw socket exchanges between the
// same two processes (this one and the bridge's host, over a second socket), with no codec
// and no bridge; start-up against spawning a copy of this binary that echoes. Every figure
// is printed twice: with the client and the host on one CPU, and on two.
//
//     swift run -c release bridge-bench
//     BRIDGE_BENCH_ROUNDS=100000 swift run -c release bridge-bench
//     BRIDGE_BENCH_PROFILE=blocking swift run -c release bridge-bench   # see ProfileLoop
//     BRIDGE_BENCH_ONLY=supervision swift run -c release bridge-bench  # restarts and pools only
//     BRIDGE_BENCH_ONLY=distributed swift run -c release bridge-bench  # a distributed call beside a plain one
//     BRIDGE_BENCH_ONLY=streams swift run -c release bridge-bench      # a stream's elements beside a plain call
import Bridge
import Foundation
import CBenchSupport

protocol Echo: Bridged {
    func echo(_ text: String) async throws -> String
    func echoBlocking(_ text: String) throws -> String
    func echoData(_ data: Data) async throws -> Data
    /// The host's own allocation count, for allocations per call on the host side.
    func allocations() async throws -> UInt
    /// Starts the floor's raw echo in the host: a thread that serves one connection at `path`.
    func listenForRawEcho(at path: String) async throws
    /// Keeps the host's thread busy for `microseconds`, spinning (`burn`) or asleep, for the
    /// pool's throughput.
    func busy(microseconds: Int, burn: Bool) async throws
    /// 0 up to `n` - 1, as fast as the consumer takes them.
    func count(upTo n: Int) async throws -> AsyncThrowingStream<Int, any Error>
}

final class LocalEcho: Echo {
    init() {}
    func echo(_ text: String) async throws -> String { text }
    func echoBlocking(_ text: String) throws -> String { text }
    func echoData(_ data: Data) async throws -> Data { data }
    func allocations() async throws -> UInt { malloc_counter_allocations() }
    func listenForRawEcho(at path: String) async throws { try RawPeer.listen(at: path) }
    func busy(microseconds: Int, burn: Bool) async throws {
        guard burn else {
            usleep(UInt32(microseconds))
            return
        }
        let end = ContinuousClock.now + .microseconds(microseconds)
        while ContinuousClock.now < end {}
    }
    func count(upTo n: Int) async throws -> AsyncThrowingStream<Int, any Error> {
        AsyncThrowingStream { continuation in
            for value in 0..<n { continuation.yield(value) }
            continuation.finish()
        }
    }
}

// A copy of this binary started with this variable is the raw peer: it echoes every
// length-prefixed message it reads on descriptor 3, in one write.
if ProcessInfo.processInfo.environment["BRIDGE_BENCH_ECHO"] != nil {
    RawPeer.serve(on: 3)
}

// Supervision's figures are for a program as it runs by default: unpinned.
if ProcessInfo.processInfo.environment["BRIDGE_BENCH_ONLY"] != "supervision" {
    Placement.runOnCPU0FromTheStart()
}

let rounds = Int(ProcessInfo.processInfo.environment["BRIDGE_BENCH_ROUNDS"] ?? "") ?? 20_000
let bulkRounds = max(rounds / 100, 20)
let startRounds = max(rounds / 500, 20)
let smallText = "hello, bridge"

if let kind = ProcessInfo.processInfo.environment["BRIDGE_BENCH_PROFILE"] {
    guard let loop = ProfileLoop(rawValue: kind) else {
        print("BRIDGE_BENCH_PROFILE must be floor, async, main-actor, blocking, in-flight, distributed or bulk, not '\(kind)'")
        exit(64)
    }
    let seconds = Int(ProcessInfo.processInfo.environment["BRIDGE_BENCH_SECONDS"] ?? "") ?? 8
    let placement: Placement
    switch ProcessInfo.processInfo.environment["BRIDGE_BENCH_PLACEMENT"] {
    case nil, "one": placement = .oneCPU
    case "two": placement = .twoCPUs
    case let other?:
        print("BRIDGE_BENCH_PLACEMENT must be one or two, not '\(other)'")
        exit(64)
    }
    guard placement.isAvailable else {
        print("BRIDGE_BENCH_PLACEMENT=two needs CPUs 0 and 1, which this process may not use")
        exit(64)
    }
    try await loop.run(for: .seconds(seconds), on: placement)
}

/// One placement's figures.
struct Figures {
    var floor = Timing()
    var asyncCall = Timing()
    var mainActorCall = Timing()
    var blockingCall = Timing()
    var inFlight = Timing()
    var rawBulk = Timing()
    var bridgeBulk = Timing()
    var rawStart = Timing()
    var bridgeStart = Timing()
    var idle = IdleCost(parent: 0, host: 0)
    var clientAllocationsAsync = 0.0
    var hostAllocationsAsync = 0.0
    var clientAllocationsBlocking = 0.0
    var hostAllocationsBlocking = 0.0
    /// Medians of the per-turn ratios: calls over the floor; bridged bandwidth over raw;
    /// bridged start-up over raw.
    var ratios = (asyncCall: 0.0, mainActorCall: 0.0, blockingCall: 0.0, inFlight: 0.0, bulk: 0.0, start: 0.0)
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

func measureAll(_ placement: Placement) async throws -> Figures {
    var figures = Figures()

    let bridge = try await placement.startingChildren { try await Bridge<LocalEcho>.start() }
    let client = bridge.client
    let echoPath = "/tmp/bridge-bench-\(getpid())-\(bridge.processID).sock"
    try await client.listenForRawEcho(at: echoPath)
    let peer = try RawPeer.connect(to: echoPath)
    let bulk = Data(repeating: 0x5A, count: bulkSize)

    // The floor and the calls are measured in turns, so that all see the same conditions on
    // a machine whose speed drifts.
    var samples = (floor: [Duration](), asyncCall: [Duration](), mainActorCall: [Duration](), blockingCall: [Duration](), inFlight: [Duration]())
    var bulkSamples = (raw: [Duration](), bridged: [Duration]())
    // Each turn's median over that turn's floor; the report gives the median of these, which
    // a drift of the machine's speed between turns does not move.
    var ratios = (asyncCall: [Double](), mainActorCall: [Double](), blockingCall: [Double](), inFlight: [Double](), bulk: [Double]())
    let turns = 10
    for turn in 0...turns {
        let warmUp = turn == 0  // the first turn warms up and is not counted
        let floor = try await time(rounds / turns) { try peer.exchange(byteCount: smallText.utf8.count) }
        let asyncCall = try await time(rounds / turns) { _ = try await client.echo(smallText) }
        let mainActorCall = try await timeOnMainActor(rounds / turns) { _ = try await client.echo(smallText) }
        let blockingCall = try await time(rounds / turns) { _ = try client.echoBlocking(smallText) }
        let inFlight = try await timePerCallInFlight(tasks: 8, calls: rounds / turns, client)
        let rawBulk = try await time(bulkRounds / turns) { try peer.exchange(byteCount: bulkSize) }
        let bridgedBulk = try await time(bulkRounds / turns) {
            let echoed = try await client.echoData(bulk)
            precondition(echoed.count == bulkSize)
        }
        if warmUp { continue }
        let floorMedian = Timing(floor).median
        ratios.asyncCall.append(Timing(asyncCall).median / floorMedian)
        ratios.mainActorCall.append(Timing(mainActorCall).median / floorMedian)
        ratios.blockingCall.append(Timing(blockingCall).median / floorMedian)
        ratios.inFlight.append(Timing([inFlight]).median / floorMedian)
        ratios.bulk.append(Timing(rawBulk).median / Timing(bridgedBulk).median)
        samples.floor += floor
        samples.asyncCall += asyncCall
        samples.mainActorCall += mainActorCall
        samples.blockingCall += blockingCall
        samples.inFlight.append(inFlight)
        bulkSamples.raw += rawBulk
        bulkSamples.bridged += bridgedBulk
    }
    peer.end()
    figures.floor = Timing(samples.floor)
    figures.asyncCall = Timing(samples.asyncCall)
    figures.mainActorCall = Timing(samples.mainActorCall)
    figures.blockingCall = Timing(samples.blockingCall)
    figures.inFlight = Timing(samples.inFlight)
    figures.rawBulk = Timing(bulkSamples.raw)
    figures.bridgeBulk = Timing(bulkSamples.bridged)
    figures.ratios = (
        median(ratios.asyncCall), median(ratios.mainActorCall), median(ratios.blockingCall), median(ratios.inFlight),
        median(ratios.bulk), 0)
    (figures.clientAllocationsAsync, figures.hostAllocationsAsync) = try await allocationsPerCall(client) {
        _ = try await client.echo(smallText)
    }
    (figures.clientAllocationsBlocking, figures.hostAllocationsBlocking) = try await allocationsPerCall(client) {
        _ = try client.echoBlocking(smallText)
    }
    figures.idle = try await IdleCost.measure(hostProcessID: bridge.processID)
    await bridge.stop()

    // Start-up: one-CPU runs everything on CPU 0; two-CPU runs unpinned, as a program would.
    // In turns too, raw then bridged, after a warm-up of each.
    var startSamples = (raw: [Duration](), bridged: [Duration]())
    var startRatios: [Double] = []
    try await placement.forStartUp {
        for turn in 0...turns {
            let perTurn = turn == 0 ? 2 : startRounds / turns
            let raw = try await time(perTurn) {
                let peer = try RawPeer.start()
                try peer.exchange(byteCount: smallText.utf8.count)
                peer.end()
            }
            let bridged = try await time(perTurn, excluding: { (bridge: Bridge<LocalEcho>) in await bridge.stop() }) {
                let bridge = try await Bridge<LocalEcho>.start()
                _ = try await bridge.client.echo(smallText)
                return bridge
            }
            if turn == 0 { continue }
            startRatios.append(Timing(bridged).median / Timing(raw).median)
            startSamples.raw += raw
            startSamples.bridged += bridged
        }
    }
    figures.rawStart = Timing(startSamples.raw)
    figures.bridgeStart = Timing(startSamples.bridged)
    figures.ratios.start = median(startRatios)
    return figures
}

/// Times `rounds` runs of `body` on the main actor, where most calls come from: an `@main`
/// async `main`, top-level code, a `@MainActor` type.
@MainActor
func timeOnMainActor(_ rounds: Int, _ body: @MainActor () async throws -> Void) async rethrows -> [Duration] {
    let clock = ContinuousClock()
    var samples: [Duration] = []
    samples.reserveCapacity(rounds)
    for _ in 0..<rounds {
        let start = clock.now
        try await body()
        samples.append(clock.now - start)
    }
    return samples
}

/// Time per call with `tasks` tasks calling at once, `calls` calls in all.
func timePerCallInFlight(tasks: Int, calls: Int, _ client: EchoClient) async throws -> Duration {
    let clock = ContinuousClock()
    let start = clock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for _ in 0..<tasks {
            group.addTask {
                for _ in 0..<calls / tasks { _ = try await client.echo(smallText) }
            }
        }
        try await group.waitForAll()
    }
    return (clock.now - start) / calls
}

/// Heap allocations per call in this process and in the host, over `rounds` calls.
func allocationsPerCall(_ client: EchoClient, _ call: () async throws -> Void) async throws -> (Double, Double) {
    try await allocationsPerCall(hostCount: { try await client.allocations() }, call)
}

/// Heap allocations per call in this process and in the host, whose count `hostCount` reads.
func allocationsPerCall(hostCount: () async throws -> UInt, _ call: () async throws -> Void) async throws -> (Double, Double) {
    for _ in 0..<100 { try await call() }
    let hostBefore = try await hostCount()
    let before = malloc_counter_allocations()
    let count = 10_000
    for _ in 0..<count { try await call() }
    let after = malloc_counter_allocations()
    let hostAfter = try await hostCount()
    // The second allocations() call is one more call on each side; too small to matter.
    return (Double(after - before) / Double(count), Double(hostAfter - hostBefore) / Double(count))
}

// MARK: Report

func report(_ name: String, _ figures: Figures) {
    func us(_ t: Timing) -> String { String(format: "%8.2f µs  p99 %8.2f µs", t.median, t.p99) }
    func ratio(_ value: Double) -> String { String(format: "%5.2fx floor", value) }
    func bandwidth(_ t: Timing) -> Double { Double(2 * bulkSize) / (t.median * 1e-6) / 1e9 }
    func pad(_ text: String) -> String { text.padding(toLength: 36, withPad: " ", startingAt: 0) }
    let floor = figures.floor
    print("\n\(name)")
    print(pad("raw socket ping-pong (floor)") + us(floor))
    print(pad("async call from a task, String") + us(figures.asyncCall) + "  " + ratio(figures.ratios.asyncCall))
    print(pad("async call from the main actor") + us(figures.mainActorCall) + "  " + ratio(figures.ratios.mainActorCall))
    print(pad("blocking throws call, String") + us(figures.blockingCall) + "  " + ratio(figures.ratios.blockingCall))
    print(pad("8 calls in flight, per call") + String(format: "%8.2f µs", figures.inFlight.median) + String(repeating: " ", count: 17) + "  " + ratio(figures.ratios.inFlight))
    print(pad("1 MiB echo, raw") + String(format: "%8.2f GB/s  (%.0f µs)", bandwidth(figures.rawBulk), figures.rawBulk.median))
    print(pad("1 MiB Data echo, bridged") + String(format: "%8.2f GB/s  (%.0f µs)  %5.2fx raw", bandwidth(figures.bridgeBulk), figures.bridgeBulk.median, figures.ratios.bulk))
    print(pad("spawn to first echo, raw") + String(format: "%8.2f ms", figures.rawStart.median / 1000))
    print(pad("start() to first reply, bridged") + String(format: "%8.2f ms", figures.bridgeStart.median / 1000) + String(repeating: " ", count: 17) + "  " + String(format: "%5.2fx raw", figures.ratios.start))
    print(pad("idle bridge, CPU over 1 s") + String(format: "%8.2f %% parent %6.2f %% host", figures.idle.parent, figures.idle.host))
    if malloc_counter_is_counting() != 0 {
        print(pad("allocations per async call") + String(format: "%8.1f client %6.1f host", figures.clientAllocationsAsync, figures.hostAllocationsAsync))
        print(pad("allocations per blocking call") + String(format: "%8.1f client %6.1f host", figures.clientAllocationsBlocking, figures.hostAllocationsBlocking))
    }
}

let continuing = ProcessInfo.processInfo.environment["BRIDGE_BENCH_CONTINUING"] != nil
if !continuing { print("bridge-bench: \(rounds) rounds (1 MiB: \(bulkRounds), start-up: \(startRounds)) in 10 turns; medians; ratios are medians of per-turn ratios; \(ProcessInfo.processInfo.activeProcessorCount) CPUs visible") }
if ProcessInfo.processInfo.environment["BRIDGE_BENCH_ONLY"] == "supervision" {
    try await SupervisionBench.run(rounds: rounds)
    exit(0)
}
let twoCPUsAvailable = Placement.twoCPUs.isAvailable  // read before anything is pinned
if ProcessInfo.processInfo.environment["BRIDGE_BENCH_ONLY"] == "distributed" {
    try await DistributedBench.runAll(rounds: rounds, twoCPUsAvailable: twoCPUsAvailable)
    exit(0)
}
if ProcessInfo.processInfo.environment["BRIDGE_BENCH_ONLY"] == "streams" {
    try await StreamBench.runAll(rounds: rounds, twoCPUsAvailable: twoCPUsAvailable)
    exit(0)
}
report("client and host on one CPU", try await measureAll(.oneCPU))
if twoCPUsAvailable {
    report("client and host on two CPUs", try await measureAll(.twoCPUs))
}
try await DistributedBench.runAll(rounds: rounds, twoCPUsAvailable: twoCPUsAvailable)
try await StreamBench.runAll(rounds: rounds, twoCPUsAvailable: twoCPUsAvailable)
setenv("BRIDGE_BENCH_CONTINUING", "1", 1)
Placement.runUnpinned(only: "supervision")
try await SupervisionBench.run(rounds: rounds)
