import Bridge
import Foundation

/// One kind of exchange, repeated for a profiler to watch: `BRIDGE_BENCH_PROFILE=<kind>` runs it
/// for `BRIDGE_BENCH_SECONDS` (8 by default) on one CPU, prints the time per exchange, and
/// exits; for example
///
///     BRIDGE_BENCH_PROFILE=blocking perf record -a -g .build/release/bridge-bench
enum ProfileLoop: String {
    /// The raw ping-pong.
    case floor
    case async
    /// Async calls made from the main actor.
    case mainActor = "main-actor"
    case blocking
    /// 8 tasks calling at once.
    case inFlight = "in-flight"
    /// Distributed calls to an actor host.
    case distributed
    /// 1 MiB `Data` echoes.
    case bulk

    func run(for duration: Duration, on placement: Placement) async throws -> Never {
        Placement.oneCPU.pinHere()
        if self == .distributed { try await Self.callDistributed(for: duration, on: placement) }
        let bridge = try await placement.startingChildren { try await Bridge<LocalEcho>.start() }
        let client = bridge.client
        let path = "/tmp/bridge-bench-\(getpid())-\(bridge.processID).sock"
        try await client.listenForRawEcho(at: path)
        let peer = try RawPeer.connect(to: path)
        let clock = ContinuousClock()
        let start = clock.now
        var exchanges = 0
        while clock.now - start < duration {
            switch self {
            case .floor:
                for _ in 0..<1_000 { try peer.exchange(byteCount: smallText.utf8.count) }
            case .async:
                for _ in 0..<1_000 { _ = try await client.echo(smallText) }
            case .blocking:
                for _ in 0..<1_000 { _ = try client.echoBlocking(smallText) }
            case .mainActor:
                try await Self.callOnMainActor(1_000, client)
            case .inFlight:
                _ = try await timePerCallInFlight(tasks: 8, calls: 1_000, client)
            case .distributed:
                fatalError("run by callDistributed")
            case .bulk:
                let data = Data(repeating: 0x5A, count: bulkSize)
                for _ in 0..<10 { _ = try await client.echoData(data) }
                exchanges += 10
                continue
            }
            exchanges += 1_000
        }
        let each = Timing([(clock.now - start) / exchanges]).median
        print(String(format: "%@: %d exchanges, %.2f µs each", rawValue, exchanges, each))
        peer.end()
        await bridge.stop()
        exit(0)
    }

    private static func callDistributed(for duration: Duration, on placement: Placement) async throws -> Never {
        let system = BridgeActorSystem()
        let actor = try await placement.startingChildren { try await system.start(DistributedEcho.self) }
        let clock = ContinuousClock()
        let start = clock.now
        var exchanges = 0
        while clock.now - start < duration {
            for _ in 0..<1_000 { _ = try await actor.echo(smallText) }
            exchanges += 1_000
        }
        let each = Timing([(clock.now - start) / exchanges]).median
        print(String(format: "distributed: %d exchanges, %.2f µs each", exchanges, each))
        await system.shutdown()
        exit(0)
    }

    @MainActor
    private static func callOnMainActor(_ count: Int, _ client: EchoClient) async throws {
        for _ in 0..<count { _ = try await client.echo(smallText) }
    }
}
