// Measures a bridged call against the floor: a raw socketpair ping-pong between this binary
// and a copy of it, with no codec and no bridge.
//
//     swift run -c release bridge-bench            # unpinned
//     taskset -c 0 swift run -c release bridge-bench  # client and host on one CPU
import Bridge
import Foundation

protocol Echo: Bridged {
    func echo(_ text: String) async throws -> String
    func echoBlocking(_ text: String) throws -> String
}

final class LocalEcho: Echo {
    init() {}
    func echo(_ text: String) async throws -> String { text }
    func echoBlocking(_ text: String) throws -> String { text }
}

let rounds = Int(ProcessInfo.processInfo.environment["BRIDGE_BENCH_ROUNDS"] ?? "") ?? 20_000

/// Median and 99th percentile of `rounds` timings, in microseconds.
struct Timing {
    var median: Double
    var p99: Double

    init(_ samples: [Duration]) {
        let micros = samples.map { Double($0.components.attoseconds) / 1e12 + Double($0.components.seconds) * 1e6 }.sorted()
        median = micros[micros.count / 2]
        p99 = micros[micros.count * 99 / 100]
    }
}

func measure(_ body: () async throws -> Void) async rethrows -> Timing {
    let clock = ContinuousClock()
    for _ in 0..<rounds / 10 { try await body() }  // warm up
    var samples: [Duration] = []
    samples.reserveCapacity(rounds)
    for _ in 0..<rounds {
        let start = clock.now
        try await body()
        samples.append(clock.now - start)
    }
    return Timing(samples)
}

// The floor: a copy of this binary that echoes bytes on a socket.
if let fd = ProcessInfo.processInfo.environment["BRIDGE_BENCH_ECHO_FD"].flatMap(Int32.init) {
    var buffer = [UInt8](repeating: 0, count: 64)
    while true {
        let count = read(fd, &buffer, buffer.count)
        if count <= 0 { exit(0) }
        _ = write(fd, buffer, count)
    }
}

func rawFloor() async throws -> Timing {
    var fds: [Int32] = [0, 0]
    guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0 else { fatalError("socketpair") }
    // Started the way a host is (the socket becomes descriptor 3), minus the bridge.
    let child = try System.spawnHost(
        path: System.currentExecutablePath(), arguments: ["bridge-bench-echo"],
        environment: ["BRIDGE_BENCH_ECHO_FD=3"], bridge: FileDescriptor(rawValue: fds[1]))
    close(fds[1])
    let message = [UInt8]("hello, floor".utf8)
    var reply = [UInt8](repeating: 0, count: 64)
    let timing = await measure {
        _ = write(fds[0], message, message.count)
        _ = read(fds[0], &reply, reply.count)
    }
    close(fds[0])
    _ = System.reap(child, block: true)
    return timing
}

let floor = try await rawFloor()
let bridge = try await Bridge<LocalEcho>.start()
let client = bridge.client
let asyncCall = try await measure { _ = try await client.echo("hello, bridge") }
let blockingCall = try await measure { _ = try client.echoBlocking("hello, bridge") }
await bridge.stop()

func row(_ name: String, _ timing: Timing) -> String {
    let ratio = timing.median / floor.median
    return name.padding(toLength: 34, withPad: " ", startingAt: 0)
        + String(format: "%9.2f %9.2f %7.2fx", timing.median, timing.p99, ratio)
}
print("bridge-bench: \(rounds) rounds each, \(ProcessInfo.processInfo.activeProcessorCount) CPUs visible")
print("".padding(toLength: 34, withPad: " ", startingAt: 0) + "median µs   p99 µs   floor")
print(row("raw socketpair ping-pong (floor)", floor))
print(row("async throws call, String", asyncCall))
print(row("blocking throws call, String", blockingCall))
