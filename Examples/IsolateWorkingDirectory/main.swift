// Two hosts change their working directories; the parent's threads keep theirs.
//
//     swift run isolate-cwd
import Bridge
import Foundation

/// Work that changes the process-wide working directory: unsafe beside other threads, safe in
/// a host of its own.
protocol Workspace: Bridged {
    func enter(_ path: String) async throws
    func currentDirectory() async throws -> String
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

    func entries() async throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: ".").sorted()
    }
}

let parentDirectory = FileManager.default.currentDirectoryPath
print("parent (pid \(getpid())) works in \(parentDirectory)")

let first = try await Bridge<DirectoryWorkspace>.start()
let second = try await Bridge<DirectoryWorkspace>.start()
try await first.client.enter("/usr")
try await second.client.enter("/tmp")
for (name, bridge) in [("first", first), ("second", second)] {
    let directory = try await bridge.client.currentDirectory()
    let count = try await bridge.client.entries().count
    print("\(name) host (pid \(bridge.processID)) works in \(directory) (\(count) entries)")
}
do {
    try await first.client.enter("/no/such/place")
} catch WorkspaceError.cannotEnter(let path) {
    print("first host refused to enter \(path): the error arrived as itself")
}
print("parent still works in \(FileManager.default.currentDirectoryPath)")
precondition(FileManager.default.currentDirectoryPath == parentDirectory)
await first.stop()
await second.stop()
print("both hosts stopped: \(first.termination!), \(second.termination!)")
