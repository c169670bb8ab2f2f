import Bridge
import Foundation

/// A fresh directory under the system's temporary directory, removed when the test process
/// exits.
///
/// Not on deinit: Swift may release a local as soon as its last use, which in a test is often
/// the line that takes its path, while a host still writes into the directory. Removed at exit,
/// it lasts as long as anything in the process can use it.
final class TemporaryDirectory: Sendable {
    let path: String

    /// The directories to remove at exit; nil until the first one installs the remover.
    private static let created = Locked<[String]?>(nil)

    init() throws {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("bridge-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.resolvingSymlinksInPath().path
        let first = Self.created.withLock { created -> Bool in
            defer { created = (created ?? []) + [path] }
            return created == nil
        }
        if first {
            atexit {
                for path in TemporaryDirectory.created.withLock({ $0 ?? [] }) {
                    try? FileManager.default.removeItem(atPath: path)
                }
            }
        }
    }
}

/// A value one task sets and another awaits.
final class OneShotValue<Value: Sendable>: Sendable {
    private let state = Locked<(value: Value?, waiters: [CheckedContinuation<Value, Never>])>((nil, []))

    func set(_ value: Value) {
        let waiters = state.withLock { state in
            state.value = value
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: value) }
    }

    func value() async -> Value {
        await withCheckedContinuation { continuation in
            let value = state.withLock { state -> Value? in
                if let value = state.value { return value }
                state.waiters.append(continuation)
                return nil
            }
            if let value { continuation.resume(returning: value) }
        }
    }
}

/// Whether process `pid` is gone: reaped, or a zombie nobody reaps (PID 1 here does not).
func processIsGone(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
    // The state follows the command name, which is in parentheses and may contain spaces.
    guard let close = stat.lastIndex(of: ")") else { return true }
    let state = stat[stat.index(close, offsetBy: 2)...].prefix(1)
    return state == "Z" || state == "X"
}

/// Waits until `condition` holds, checking every millisecond, for at most `timeout`.
/// - Returns: Whether it held in time.
func eventually(within timeout: Duration, _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(1))
    }
    return condition()
}

/// Whether a host call waits at the FIFO at `path` now (`waitAtFIFO`): the call is running,
/// not just counted by the parent, which counts a call before it is written. The probe opens
/// and closes the FIFO without writing, which the waiting call, holding a write end of its
/// own, does not notice.
func fifoHasReader(_ path: String) -> Bool {
    let fifo = open(path, O_WRONLY | O_NONBLOCK)  // fails at once with no reader
    guard fifo >= 0 else { return false }
    close(fifo)
    return true
}

/// Writes a byte into the FIFO at `path` if a reader has it open, without waiting (a host call
/// held at the FIFO then goes on).
/// - Returns: Whether a reader was there.
func releaseFIFO(_ path: String) -> Bool {
    let fifo = open(path, O_WRONLY | O_NONBLOCK)  // fails at once with no reader
    guard fifo >= 0 else { return false }
    var byte: UInt8 = 1
    _ = write(fifo, &byte, 1)
    close(fifo)
    return true
}

/// Runs `body` on a new thread, outside the concurrency pool, and returns what it returned:
/// for blocking calls, which must not hold the pool's few threads.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: body()) }.start()
    }
}

/// Starts a task whose code runs on threads of its own, outside the concurrency pool: a task
/// that makes blocking calls, which must not hold the pool's few threads, and that can still be
/// cancelled.
func taskOnOwnThreads<T: Sendable>(_ body: @escaping @Sendable () throws -> T) -> Task<T, any Error> {
    Task(executorPreference: OwnThreadsExecutor.shared) { try body() }
}

/// Runs each job on a new thread.
private final class OwnThreadsExecutor: TaskExecutor {
    static let shared = OwnThreadsExecutor()

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        Thread { job.runSynchronously(on: self.asUnownedTaskExecutor()) }.start()
    }
}

/// `count` bytes in a pattern that depends on `seed`, so that a misplaced or reused byte
/// shows. Filled through a buffer pointer: `map` over a range of millions, unspecialized in a
/// debug build, held a pool thread for a second or more while the suite ran.
func patternedData(count: Int, seed: Int) -> Data {
    var data = Data(count: count)
    data.withUnsafeMutableBytes { (bytes: UnsafeMutableRawBufferPointer) in
        for index in 0..<count { bytes[index] = UInt8(truncatingIfNeeded: index &* 31 &+ seed) }
    }
    return data
}
