// Callbacks: a host calls back into an object that lives in the parent, while the parent is
// awaiting the very call that passed it.
//
//     swift run progress-callback
import Bridge
import Foundation
import Synchronization

/// Told of each file as the host counts it. It lives in the parent; the host gets a client
/// for it. A callback protocol is `Sendable`: the host may call it from another thread while
/// the parent's own code runs.
protocol CountingProgress: Bridged, Sendable {
    func counted(_ file: String, lines: Int, byProcess host: Int32) async throws
    func shouldGoOn() async throws -> Bool
}

protocol LineCounter: Bridged {
    /// Counts the lines of the files in `directory`, in name order, telling `progress` of each
    /// and stopping when it says so; returns the lines counted.
    func countLines(in directory: String, progress: any CountingProgress) async throws -> Int
}

final class LocalLineCounter: LineCounter {
    init() {}

    func countLines(in directory: String, progress: any CountingProgress) async throws -> Int {
        var total = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: directory).sorted() {
            let text = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
            let lines = text.split(separator: "\n").count
            total += lines
            try await progress.counted(name, lines: lines, byProcess: getpid())
            guard try await progress.shouldGoOn() else { break }
        }
        return total
    }
}

/// Prints what the host reports; asks it to stop after `limit` files.
final class PrintingProgress: CountingProgress {
    private let files = Mutex(0)
    private let limit: Int?

    init(stoppingAfter limit: Int? = nil) { self.limit = limit }

    func counted(_ file: String, lines: Int, byProcess host: Int32) async throws {
        files.withLock { $0 += 1 }
        print("  host \(host) counted \(file): \(lines) line\(lines == 1 ? "" : "s") (printed by the parent, pid \(getpid()))")
    }

    func shouldGoOn() async throws -> Bool {
        files.withLock { files in limit.map { files < $0 } ?? true }
    }
}

let directory = FileManager.default.temporaryDirectory.path + "/progress-callback-\(getpid())"
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: directory) }
for number in 1...4 {
    let text = (1...number).map { "line \($0)" }.joined(separator: "\n") + "\n"
    try text.write(toFile: "\(directory)/file\(number).txt", atomically: true, encoding: .utf8)
}

try await withBridge(LocalLineCounter.self) { counter in
    print("all files:")
    let total = try await counter.countLines(in: directory, progress: PrintingProgress())
    print("total: \(total) lines")
    print("until the parent says stop, after 2 files:")
    let partial = try await counter.countLines(in: directory, progress: PrintingProgress(stoppingAfter: 2))
    print("total: \(partial) lines")
}
