// A host walks a directory tree and streams what it finds while it walks; the parent prints
// each file as it arrives, stops early, and sees the host stop walking.
//
//     swift run stream-progress
import Bridge
import Foundation
import Synchronization

struct FoundFile: Codable, Sendable {
    var path: String
    var size: Int
}

/// How far a walk got: files found, and whether it ended (finished, or stopped early).
struct WalkProgress: Codable, Sendable {
    var found = 0
    var ended = false
    var finished = false
}

protocol TreeWalker: Bridged {
    /// Every regular file under `root`, each found only when the stream is pulled, so a
    /// parent that takes slowly holds the walk back.
    func files(under root: String) async throws -> AsyncThrowingStream<FoundFile, any Error>
    /// How far the latest walk got.
    func progress() async throws -> WalkProgress
}

final class LocalTreeWalker: TreeWalker {
    private var latest = ProgressLog()

    init() {}

    func files(under root: String) async throws -> AsyncThrowingStream<FoundFile, any Error> {
        latest = ProgressLog()
        let walk = Walk(root: root, progress: latest)
        return AsyncThrowingStream { try walk.next() }
    }

    func progress() async throws -> WalkProgress { latest.current }
}

/// A walk's progress, which the walk updates from the task that pulls its stream.
final class ProgressLog: Sendable {
    private let progress = Mutex(WalkProgress())

    var current: WalkProgress { progress.withLock { $0 } }

    func update(_ body: (inout WalkProgress) -> Void) {
        progress.withLock { body(&$0) }
    }
}

/// One walk, depth first, each directory in name order. It goes when the host drops the
/// stream: when the walk finished, or when the parent cancelled or dropped its end.
final class Walk: Sendable {
    private let root: String
    private let progress: ProgressLog
    private let left: Mutex<[String]>

    init(root: String, progress: ProgressLog) {
        self.root = root
        self.progress = progress
        self.left = Mutex([""])
    }

    deinit {
        progress.update { $0.ended = true }
    }

    func next() throws -> FoundFile? {
        while let relative = left.withLock({ $0.popLast() }) {
            let path = relative.isEmpty ? root : root + "/" + relative
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            if attributes[.type] as? FileAttributeType == .typeDirectory {
                let names = try FileManager.default.contentsOfDirectory(atPath: path).sorted(by: >)
                left.withLock { $0 += names.map { relative.isEmpty ? $0 : relative + "/" + $0 } }
                continue
            }
            progress.update { $0.found += 1 }
            return FoundFile(path: relative, size: (attributes[.size] as? Int) ?? 0)
        }
        progress.update { $0.finished = true }
        return nil
    }
}

/// Asks the host until its latest walk has ended.
func endedWalk(_ walker: some TreeWalker) async throws -> WalkProgress {
    while true {
        let progress = try await walker.progress()
        if progress.ended { return progress }
        try await Task.sleep(for: .milliseconds(1))
    }
}

// A tree of 3 directories with 200 files each.
let root = FileManager.default.temporaryDirectory.resolvingSymlinksInPath().path + "/stream-progress-\(getpid())"
for directory in ["alpha", "beta", "gamma"] {
    try FileManager.default.createDirectory(atPath: root + "/" + directory, withIntermediateDirectories: true)
    for index in 0..<200 {
        let name = String(format: "%@/%@/file-%03d.txt", root, directory, index)
        _ = FileManager.default.createFile(atPath: name, contents: Data(repeating: 0x2E, count: index % 50 + 1))
    }
}
defer { try? FileManager.default.removeItem(atPath: root) }
print("parent (pid \(getpid())) made 600 files under \(root)")

let bridge = try await Bridge<LocalTreeWalker>.start()
let walker = bridge.client

// Each walk runs in a function: a stream, and a `for` loop's iterator over it, go at the end of
// the function (in top-level code they would live as long as the program).

/// Prints files as they come and stops after five: leaving the loop drops the stream.
func walkAndStopEarly(_ walker: some TreeWalker) async throws {
    var shown = 0
    for try await file in try await walker.files(under: root) {
        print("walk 1: \(file.path), \(file.size) bytes")
        shown += 1
        if shown == 5 { break }
    }
    let ended = try await endedWalk(walker)
    // The host runs at most a window (128 files, or 4 MiB of them) ahead of what the parent took.
    print("walk 1: the parent stopped after \(shown) files; the host's walk ended too, after \(ended.found) files (finished: \(ended.finished))")
}

/// Takes one file, then no more: the host walks a window ahead and waits. Then cancels.
func walkSlowlyAndCancel(_ walker: some TreeWalker & Sendable) async throws {
    let tookOne = AsyncStream.makeStream(of: Void.self)
    let slow = Task {
        for try await _ in try await walker.files(under: root) {
            tookOne.continuation.yield()
            try await Task.sleep(for: .seconds(3600))  // a consumer that takes no more
        }
    }
    for await _ in tookOne.stream { break }
    try await Task.sleep(for: .milliseconds(200))
    let held = try await walker.progress()
    print("walk 2: the parent took 1 file; 200 ms later the host has found \(held.found) and waits (ended: \(held.ended))")
    slow.cancel()
    let outcome = switch await slow.result {
    case .success: "it returned"
    case .failure(let error): "it threw \(type(of: error))"
    }
    let ended = try await endedWalk(walker)
    print("walk 2: cancelled the consuming task (\(outcome)); the host's walk ended after \(ended.found) files")
}

/// Walks the whole tree.
func walkAll(_ walker: some TreeWalker) async throws {
    var count = 0
    var bytes = 0
    for try await file in try await walker.files(under: root) {
        count += 1
        bytes += file.size
    }
    let ended = try await endedWalk(walker)
    print("walk 3: all \(count) files, \(bytes) bytes; the host's walk finished: \(ended.finished)")
}

try await walkAndStopEarly(walker)
try await walkSlowlyAndCancel(walker)
try await walkAll(walker)

await bridge.stop()
print("host stopped: \(bridge.termination.map(String.init(describing:)) ?? "still running")")
