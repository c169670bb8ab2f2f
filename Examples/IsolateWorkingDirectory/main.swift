// Two hosts work in two directories at the same time; the parent's threads keep theirs.
//
//     swift run isolate-cwd
import Bridge
import Foundation
import Synchronization

/// Work that uses the process-wide working directory: unsafe beside other threads, safe in a
/// host of its own.
protocol Workspace: Bridged {
    func enter(_ path: String) async throws
    func currentDirectory() async throws -> String
    /// Creates a file in the working directory, by a relative path.
    func write(_ name: String) async throws
    func entries() async throws -> [String]
}

enum WorkspaceError: Error, Codable {
    case cannotEnter(String)
}

final class DirectoryWorkspace: Workspace {
    init() {}

    func enter(_ path: String) async throws {
        guard FileManager.default.changeCurrentDirectoryPath(path) else { throw WorkspaceError.cannotEnter(path) }
    }

    func currentDirectory() async throws -> String { FileManager.default.currentDirectoryPath }

    func write(_ name: String) async throws {
        try Data("written by \(getpid())\n".utf8).write(to: URL(fileURLWithPath: name))
    }

    func entries() async throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: ".").sorted()
    }
}

let parentDirectory = FileManager.default.currentDirectoryPath
let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("isolate-cwd-\(getpid())").path
let (north, south) = (scratch + "/north", scratch + "/south")
for directory in [north, south] { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
defer { try? FileManager.default.removeItem(atPath: scratch) }
print("parent (pid \(getpid())) works in \(parentDirectory)")

// One host starts in its directory (BridgeOptions.workingDirectory), the other changes into its own.
let first = try await Bridge<DirectoryWorkspace>.start(.init(workingDirectory: north))
let second = try await Bridge<DirectoryWorkspace>.start()
try await second.client.enter(south)

// While both hosts write files by relative paths, a parent thread keeps checking its own
// working directory.
let hostsDone = Atomic<Bool>(false)
// Atomics rather than a `Mutex`, whose lock ThreadSanitizer cannot see: the sanitized run of
// this example would report the counts as raced.
let checks = Atomic<Int>(0)
let changes = Atomic<Int>(0)
let watcher = Thread {
    while !hostsDone.load(ordering: .acquiring) {
        if FileManager.default.currentDirectoryPath != parentDirectory { changes.add(1, ordering: .relaxed) }
        checks.add(1, ordering: .releasing)
    }
}
watcher.start()
try await withThrowingTaskGroup(of: Void.self) { group in
    for (name, bridge) in [("first", first), ("second", second)] {
        group.addTask {
            for index in 1...20 { try await bridge.client.write("\(name)-\(index).txt") }
        }
    }
    try await group.waitForAll()
}
hostsDone.store(true, ordering: .releasing)

for (name, bridge, directory) in [("first", first, north), ("second", second, south)] {
    let cwd = try await bridge.client.currentDirectory()
    let files = try FileManager.default.contentsOfDirectory(atPath: directory)
    let own = files.filter { $0.hasPrefix(name + "-") }.count
    print("\(name) host (pid \(bridge.processID)) works in \(cwd): \(files.count) files there, \(own) of them its own")
}
let (count, changed) = (checks.load(ordering: .acquiring), changes.load(ordering: .relaxed))
print("a parent thread checked its directory \(count) times while the hosts worked: \(changed == 0 ? "it never changed" : "it changed \(changed) times")")
do {
    try await first.client.enter("/no/such/place")
} catch WorkspaceError.cannotEnter(let path) {
    print("first host refused to enter \(path): the error arrived as itself")
}
print("parent still works in \(FileManager.default.currentDirectoryPath)")
precondition(FileManager.default.currentDirectoryPath == parentDirectory && changed == 0)
await first.stop()
await second.stop()
print("both hosts stopped: \(first.termination!), \(second.termination!)")
