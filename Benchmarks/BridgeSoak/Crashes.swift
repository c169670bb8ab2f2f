// How soon pending calls learn that their host died, and how soon a host follows its killed
// parent: `bridge-soak crashes [rounds]`.
import Bridge
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A way a host can die mid-call, and what the parent must report for it.
enum CrashKind: String, CaseIterable {
    case exit = "exit(3)"
    case kill = "SIGKILL"
    case segfault = "SIGSEGV"
    case fatalError = "fatalError"

    var expected: HostTermination {
        switch self {
        case .exit: .exited(3)
        case .kill: .signaled(SIGKILL)
        case .segfault: .signaled(SIGSEGV)
        // The trap instruction `fatalError` ends in.
        #if arch(x86_64)
        case .fatalError: .signaled(SIGILL)
        #else
        case .fatalError: .signaled(SIGTRAP)
        #endif
        }
    }

    /// Where the clock starts: the parent cannot see the instant a host dies by its own hand.
    var measuredFrom: String {
        self == .kill ? "just before kill()" : "the parent sending the crashing call"
    }
}

let clock = ContinuousClock()

/// Runs `body` on a thread of its own, as a blocking caller would; returns its outcome and
/// when that came.
func onItsOwnThread(_ body: @escaping @Sendable () throws -> Void) async -> (Error?, ContinuousClock.Instant) {
    await withCheckedContinuation { continuation in
        Thread {
            let error: Error?
            do { try body(); error = nil } catch let thrown { error = thrown }
            continuation.resume(returning: (error, clock.now))
        }.start()
    }
}

/// One round: a host with four async calls hanging and a fifth, blocking call that hangs (for
/// SIGKILL) or crashes it (for the rest); returns the time from the death, or from the crashing
/// call, until the last pending call failed.
func crashRound(_ kind: CrashKind, scratch: String) async throws -> Duration {
    // The backtracer's report would be noise here; the termination is what is measured.
    let bridge = try await Bridge<LocalSoakCrasher>.start(.init(output: .discard))
    let crasher = bridge.client
    let hangs = (0..<4).map { _ in
        Task { () -> (Error?, ContinuousClock.Instant) in
            do { try await crasher.hang(); return (nil, clock.now) } catch { return (error, clock.now) }
        }
    }
    // The calls are pending only once the host has them; waiting for that is not measured.
    while try await crasher.hanging() < 4 { try await Task.sleep(for: .milliseconds(1)) }

    let start = Mutex<ContinuousClock.Instant?>(nil)
    let blocking: Task<(Error?, ContinuousClock.Instant), Never>
    switch kind {
    case .kill:
        let marker = scratch + "/blocking-\(bridge.processID)"
        blocking = Task { await onItsOwnThread { try crasher.hangBlocking(marker: marker) } }
        while !FileManager.default.fileExists(atPath: marker) { try await Task.sleep(for: .milliseconds(1)) }
        try? FileManager.default.removeItem(atPath: marker)
        start.withLock { $0 = clock.now }
        Glibc.kill(bridge.processID, SIGKILL)
    case .exit, .segfault, .fatalError:
        blocking = Task {
            await onItsOwnThread {
                start.withLock { $0 = clock.now }
                switch kind {
                case .exit: try crasher.exit(status: 3)
                case .segfault: try crasher.dereferenceBadPointer()
                default: try crasher.fail("bridge-soak: a crash on purpose")
                }
            }
        }
    }

    var last = clock.now
    for outcome in await hangs.asyncMap({ await $0.value }) + [blocking.value] {
        try check(outcome.0, kind, bridge.processID)
        last = max(last, outcome.1)
    }
    let elapsed = last - start.withLock { $0! }
    guard bridge.termination == kind.expected else {
        throw SoakFailure(description: "\(kind.rawValue): bridge.termination is \(String(describing: bridge.termination)), expected \(kind.expected)")
    }
    // A later call fails at once, naming the same end.
    do {
        _ = try await crasher.hanging()
        throw SoakFailure(description: "\(kind.rawValue): a call after the host died returned")
    } catch let error as BridgeError {
        try check(error, kind, bridge.processID)
    }
    await bridge.stop()
    return elapsed
}

func check(_ error: Error?, _ kind: CrashKind, _ host: Int32) throws {
    guard let error = error as? BridgeError, error.code == .hostExited, error.processID == host, error.termination == kind.expected else {
        throw SoakFailure(description: "\(kind.rawValue): a pending call ended with \(error.map { "\($0)" } ?? "a result"), expected hostExited(\(host), \(kind.expected))")
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}

/// Whether process `pid` is gone: reaped, or a zombie (PID 1 in a container may never reap it).
func processIsGone(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")")
    else { return true }
    let state = stat[stat.index(close, offsetBy: 2)...].prefix(1)
    return state == "Z" || state == "X"
}

/// One round: a copy of this program starts a bridge and prints its host's pid; it is killed
/// with SIGKILL, and the time until that host is gone is returned.
func parentKilledRound() async throws -> Duration {
    let parent = Process()
    parent.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    parent.arguments = ["parent"]
    let output = Pipe()
    parent.standardOutput = output
    try parent.run()
    let line = String(decoding: output.fileHandleForReading.availableLine(), as: UTF8.self)
    guard let host = Int32(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
        parent.terminate()
        throw SoakFailure(description: "the parent copy printed '\(line)' instead of its host's pid")
    }
    let start = clock.now
    Glibc.kill(parent.processIdentifier, SIGKILL)
    while !processIsGone(host) {
        if clock.now - start > .seconds(10) { throw SoakFailure(description: "host \(host) outlived its killed parent by 10 s") }
        usleep(200)
    }
    let elapsed = clock.now - start
    parent.waitUntilExit()
    return elapsed
}

/// The parent copy: starts a bridge, says its host's pid, and waits to be killed.
func beParent() async throws -> Never {
    let bridge = try await Bridge<LocalSoakEcho>.start()
    FileHandle.standardOutput.write(Data("\(bridge.processID)\n".utf8))
    while true { withExtendedLifetime(bridge) { _ = pause() } }
}

extension FileHandle {
    /// Reads up to and including the first newline, or to the end.
    func availableLine() -> Data {
        var line = Data()
        while let byte = try? read(upToCount: 1), let first = byte.first {
            line.append(first)
            if first == UInt8(ascii: "\n") { break }
        }
        return line
    }
}

func milliseconds(_ duration: Duration) -> String {
    let (seconds, attoseconds) = duration.components
    return String(format: "%.2f", Double(seconds) * 1e3 + Double(attoseconds) * 1e-15)
}

func summary(_ times: [Duration]) -> (median: Duration, max: Duration) {
    let sorted = times.sorted()
    return (sorted[sorted.count / 2], sorted.last!)
}

func crashes(_ rounds: Int) async throws {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("bridge-soak-\(getpid())").path
    try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    print("\(rounds) rounds per kind; 5 calls pending each (4 async, 1 blocking from its own thread)")
    print("kind        median ms  max ms   measured from")
    for kind in CrashKind.allCases {
        var times: [Duration] = []
        for _ in 0..<rounds { times.append(try await crashRound(kind, scratch: scratch)) }
        let (median, most) = summary(times)
        print(kind.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)
              + milliseconds(median).leftPadded(9) + milliseconds(most).leftPadded(8) + "   " + kind.measuredFrom)
    }
    if ProcessInfo.processInfo.environment["SWIFT_BACKTRACE"] == nil {
        // Measured: ~90 ms of SIGSEGV's and fatalError's time is the runtime's backtracer in the
        // host, which runs before the host dies; SWIFT_BACKTRACE=enable=no leaves ~2 ms.
        print("(SIGSEGV and fatalError include the host's Swift backtracer; SWIFT_BACKTRACE=enable=no to leave it out)")
    }
    var times: [Duration] = []
    for _ in 0..<rounds { times.append(try await parentKilledRound()) }
    let (median, most) = summary(times)
    print("parent killed" + milliseconds(median).leftPadded(8) + milliseconds(most).leftPadded(8) + "   kill() of the parent until its host is gone")
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
