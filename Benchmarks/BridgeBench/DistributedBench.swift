import Bridge
import CBenchSupport
import Distributed
import Foundation

/// The distributed twin of `LocalEcho`: the same call, made through `BridgeActorSystem`.
distributed actor DistributedEcho {
    typealias ActorSystem = BridgeActorSystem
    distributed func echo(_ text: String) -> String { text }
    /// The host's own allocation count, for allocations per call on the host side.
    distributed func allocations() -> UInt { malloc_counter_allocations() }
}

/// A distributed call beside the plain bridged call, both from a task, in the same run (the
/// bar: at most 1.2x the plain call). Placed as the plain call's figures are.
///
/// Each turn starts a plain bridge, times it, stops it, then does the same with an actor host:
/// only one host lives at a time. With both alive, whichever host was started second measured
/// 3-4x slower on one CPU here, a second plain bridge as much as the actor host, which would
/// have charged the placement to the distributed call.
///
/// After them, what the `Distributed` runtime itself costs a call (`DistributedRuntimeFloor`):
/// the part of the distributed call's extra time that is the runtime's own.
///
///     BRIDGE_BENCH_ONLY=distributed BRIDGE_BENCH_ROUNDS=2000 swift run -c release bridge-bench
enum DistributedBench {
    static func run(rounds: Int, _ placement: Placement, name: String) async throws {
        func us(_ t: Timing) -> String { String(format: "%8.2f µs  p99 %8.2f µs", t.median, t.p99) }
        func pad(_ text: String) -> String { text.padding(toLength: 40, withPad: " ", startingAt: 0) }
        let system = BridgeActorSystem()
        var samples = (plain: [Duration](), distributed: [Duration]())
        var ratios: [Double] = []
        var allocations: (client: Double, host: Double) = (0, 0)
        let turns = 10
        for turn in 0...turns {
            let bridge = try await placement.startingChildren { try await Bridge<LocalEcho>.start() }
            let client = bridge.client
            _ = try await time(rounds / turns / 10) { _ = try await client.echo(smallText) }  // warm-up
            let plain = try await time(rounds / turns) { _ = try await client.echo(smallText) }
            await bridge.stop()

            let actor = try await placement.startingChildren { try await system.start(DistributedEcho.self) }
            _ = try await time(rounds / turns / 10) { _ = try await actor.echo(smallText) }  // warm-up
            let distributed = try await time(rounds / turns) { _ = try await actor.echo(smallText) }
            if turn == turns, malloc_counter_is_counting() != 0 {
                allocations = try await allocationsPerCall(hostCount: { try await actor.allocations() }) {
                    _ = try await actor.echo(smallText)
                }
            }
            await system.stop(actor)

            if turn == 0 { continue }  // the first turn warms up and is not counted
            ratios.append(Timing(distributed).median / Timing(plain).median)
            samples.plain += plain
            samples.distributed += distributed
        }
        await system.shutdown()
        let floor = try await DistributedRuntimeFloor.measure()
        print("\ndistributed actors, \(name)")
        print(pad("async call from a task, String") + us(Timing(samples.plain)))
        print(pad("distributed call, String") + us(Timing(samples.distributed)) + String(format: "  %5.2fx the call", median(ratios)))
        if malloc_counter_is_counting() != 0 {
            print(pad("allocations per distributed call") + String(format: "%8.1f client %6.1f host", allocations.client, allocations.host))
        }
        // The runtime's own share of a call: what the parent's side costs, and the host's hop
        // to the actor as the runtime makes it there (and, for comparison, at best).
        print(pad("runtime alone: remote call, no send") + String(format: "%8.3f µs", floor.remoteCall / 1000))
        print(pad("runtime alone: hop in place, and back") + String(format: "%8.3f µs", floor.actorHop / 1000))
        print(pad("runtime alone: a host's hop, and back") + String(format: "%8.3f µs", floor.hostActorHop / 1000))
        // The bar leaves the distributed call 0.2x the plain call on top of it; the runtime's
        // steps alone take this much of that.
        let runtimeShare = (floor.remoteCall + floor.hostActorHop) / 1000 / Timing(samples.plain).median
        print(pad("runtime alone, over the call") + String(format: "%8.2fx the call (the bar leaves 0.20x)", runtimeShare))
    }

    /// Both placements, where available.
    static func runAll(rounds: Int, twoCPUsAvailable: Bool) async throws {
        try await run(rounds: rounds, .oneCPU, name: "client and host on one CPU")
        if twoCPUsAvailable { try await run(rounds: rounds, .twoCPUs, name: "client and host on two CPUs") }
    }
}
