// Runs the bridge for a long time and counts what it holds, so that a leak shows as numbers
// that grow. Linux only: it reads /proc.
//
//     swift run -c release bridge-soak cycles 1000     # start/stop cycles: descriptors, threads, zombies
//     swift run -c release bridge-soak calls 1000000   # one bridge, calls from 8 tasks: resident memory
//     swift run -c release bridge-soak crashes 20      # how soon pending calls fail when the host dies
//     swift run -c release bridge-soak bridges 256     # 256 bridges open at once: the parent's threads and memory
//     swift run -c release bridge-soak faults [rounds] # frozen and stalled hosts (issue 14): time to the error, leaks
import Bridge
import Foundation

/// What went wrong, printed instead of a stack trace.
struct SoakFailure: Error, CustomStringConvertible {
    var description: String
}

func residentMemory(of processID: Int32? = nil) -> String {
    guard let bytes = ProcessCensus.residentMemory(of: processID) else { return "unreadable" }
    return String(format: "%.1f MiB", Double(bytes) / Double(1 << 20))
}

func settledCensus(atMost limit: ProcessCensus? = nil, within timeout: Duration = .seconds(1)) async throws -> ProcessCensus {
    guard let census = await ProcessCensus.settled(atMost: limit, within: timeout) else { throw SoakFailure(description: "/proc/self could not be read; bridge-soak runs on Linux only") }
    return census
}

func cycles(_ count: Int) async throws {
    // The launch thread and the pool's threads start on first use: not a leak.
    for _ in 0..<10 { try await withBridge(LocalSoakEcho.self) { _ = try await $0.echoText("warm-up") } }
    let before = try await settledCensus()
    print("before: \(before)")
    let clock = ContinuousClock()
    let began = clock.now
    for index in 1...count {
        try await withBridge(LocalSoakEcho.self) { echo in
            guard try await echo.echoText("cycle \(index)") == "cycle \(index)" else {
                throw SoakFailure(description: "cycle \(index): the echo came back changed")
            }
        }
    }
    let elapsed = clock.now - began
    let after = try await settledCensus(atMost: before)
    print("after \(count) cycles (\(elapsed)): \(after)")
    guard after.isNoLarger(than: before), after.zombies == 0 else { throw SoakFailure(description: "the counts grew: leak") }
    print("no growth")
}

func calls(_ count: Int) async throws {
    let bridge = try await Bridge<LocalSoakEcho>.start()
    let echo = bridge.client
    let host = bridge.processID
    let block = Data((0..<(64 << 10)).map { UInt8(truncatingIfNeeded: $0) })
    let tasks = 8

    func run(_ range: Range<Int>) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    for index in stride(from: range.lowerBound + task, to: range.upperBound, by: tasks) {
                        // One call in 16 carries 64 KiB; the rest, small strings.
                        if index % 16 == 0 {
                            guard try await echo.echoData(block) == block else { throw SoakFailure(description: "call \(index): the data came back changed") }
                        } else {
                            let text = "call \(index)"
                            guard try await echo.echoText(text) == text else { throw SoakFailure(description: "call \(index): the text came back changed") }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    try await run(0..<min(10_000, count))  // warm-up: buffers reach their working size
    print("before:  parent \(residentMemory()), host \(residentMemory(of: host))")
    let clock = ContinuousClock()
    let began = clock.now
    try await run(0..<count / 2)
    print("middle:  parent \(residentMemory()), host \(residentMemory(of: host))  (\(count / 2) calls, \(clock.now - began))")
    try await run(count / 2..<count)
    print("after:   parent \(residentMemory()), host \(residentMemory(of: host))  (\(count) calls, \(clock.now - began))")
    await bridge.stop()
}

let arguments = Array(CommandLine.arguments.dropFirst())
let usage = "usage: bridge-soak cycles <count> | bridge-soak calls <count> | bridge-soak crashes [rounds] | bridge-soak bridges <count> | bridge-soak faults [rounds]\n"
do {
    switch (arguments.first, arguments.count) {
    case ("cycles", 2), ("calls", 2), ("crashes", 1), ("crashes", 2), ("bridges", 2), ("faults", 1), ("faults", 2):
        guard let count = arguments.count == 2 ? Int(arguments[1]) : (arguments[0] == "faults" ? 100 : 20), count > 0 else { fallthrough }
        switch arguments[0] {
        case "cycles": try await cycles(count)
        case "calls": try await calls(count)
        case "bridges": try await manyBridges(count)
        case "faults": try await faults(count)
        default: try await crashes(count)
        }
    case ("parent", 1):
        // The child copy that `crashes` kills.
        try await beParent()
    default:
        FileHandle.standardError.write(Data(usage.utf8))
        exit(64)
    }
} catch {
    FileHandle.standardError.write(Data("bridge-soak: \(error)\n".utf8))
    exit(1)
}
