/// The median and 99th percentile of a set of timings, in microseconds.
struct Timing {
    var median = 0.0
    var p99 = 0.0

    init() {}

    init(_ samples: [Duration]) {
        let micros = samples.map { Double($0.components.seconds) * 1e6 + Double($0.components.attoseconds) / 1e12 }.sorted()
        median = micros[micros.count / 2]
        p99 = micros[micros.count * 99 / 100]
    }
}

/// Times `rounds` runs of `body`, after `warmUp` untimed ones (none by default).
func time(_ rounds: Int, warmUp: Int = 0, _ body: () async throws -> Void) async rethrows -> [Duration] {
    try await time(rounds, warmUp: warmUp, excluding: { (_: Void) in }, body)
}

/// Times `rounds` runs of `body`; `cleanUp` gets what each returned and is not timed.
func time<Value>(
    _ rounds: Int, warmUp: Int = 0, excluding cleanUp: (Value) async -> Void, _ body: () async throws -> Value
) async rethrows -> [Duration] {
    let clock = ContinuousClock()
    for _ in 0..<warmUp { await cleanUp(try await body()) }
    var samples: [Duration] = []
    samples.reserveCapacity(rounds)
    for _ in 0..<rounds {
        let start = clock.now
        let value = try await body()
        samples.append(clock.now - start)
        await cleanUp(value)
    }
    return samples
}
