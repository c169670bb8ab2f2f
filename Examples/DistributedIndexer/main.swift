// Two distributed actors, each in a host process of its own, count files and report their
// progress to an actor in the parent. One host runs as `nobody`, the other as the parent's user:
// the same actor code, walled in differently.
//
//     swift run distributed-indexer     (as root, for the `nobody` host)
import Bridge
import Distributed
import Foundation

/// Why a directory could not be counted; `Codable`, so the parent receives it as itself.
enum IndexError: Error, Codable, CustomStringConvertible {
    case unreadable(String, errno: Int32)

    var description: String {
        switch self {
        case .unreadable(let path, let code): "\(path): \(String(cString: strerror(code)))"
        }
    }
}

/// Lives in the parent; the hosts call it back as they go.
distributed actor ProgressBoard {
    typealias ActorSystem = BridgeActorSystem
    private var directoriesByHost: [Int32: Int] = [:]

    distributed func counted(_ directory: String, files: Int, by processID: Int32) {
        directoriesByHost[processID, default: 0] += 1
    }

    func directories(countedBy processID: Int32) -> Int { directoriesByHost[processID] ?? 0 }
}

/// Lives in a host: created there with `init(actorSystem:)` after the host switched user.
distributed actor Indexer {
    typealias ActorSystem = BridgeActorSystem

    distributed func identity() -> String { "pid \(getpid()), uid \(getuid())" }

    /// Regular files under `directory`, reporting each directory to `board`.
    distributed func count(in directory: String, reportingTo board: ProgressBoard) async throws -> Int {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw IndexError.unreadable(directory, errno: access(directory, R_OK) == 0 ? EIO : errno)
        }
        var files = 0
        for name in names.sorted() {
            let path = directory + "/" + name
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            files += isDirectory.boolValue ? try await count(in: path, reportingTo: board) : 1
        }
        try await board.counted(directory, files: files, by: getpid())
        return files
    }
}

// A tree to count: `shared` anyone may read, `private` only root.
let root = FileManager.default.temporaryDirectory.appendingPathComponent("distributed-indexer-\(getpid())").path
defer { try? FileManager.default.removeItem(atPath: root) }
func makeTree(_ path: String, permissions: Int, directories: Int, filesEach: Int) throws {
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: permissions])
    for d in 0..<directories {
        let sub = path + "/d\(d)"
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: false, attributes: [.posixPermissions: permissions])
        for f in 0..<filesEach { _ = FileManager.default.createFile(atPath: sub + "/f\(f)", contents: nil) }
    }
}
try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
try makeTree(root + "/shared", permissions: 0o755, directories: 3, filesEach: 4)
try makeTree(root + "/private", permissions: 0o700, directories: 2, filesEach: 5)

let asRoot = geteuid() == 0
let system = BridgeActorSystem()
do {
    let board = ProgressBoard(actorSystem: system)
    let trusted = try await system.start(Indexer.self)
    let walledIn = try await system.start(Indexer.self, options: .init(user: asRoot ? "nobody" : nil))
    if !asRoot { print("not root: the second host runs as this user, not as nobody") }

    async let privateFiles = trusted.count(in: root + "/private", reportingTo: board)
    async let sharedFiles = walledIn.count(in: root + "/shared", reportingTo: board)
    let (privateCount, sharedCount) = try await (privateFiles, sharedFiles)
    print("indexer 1 (\(try await trusted.identity())): private: \(privateCount) files")
    print("indexer 2 (\(try await walledIn.identity())): shared: \(sharedCount) files")
    do {
        _ = try await walledIn.count(in: root + "/private", reportingTo: board)
        print("indexer 2 read the private tree too")
    } catch let error as IndexError {
        print("indexer 2 cannot count the private tree: \(error)")
    }
    for (number, indexer) in [(1, trusted), (2, walledIn)] {
        let pid = system.processID(of: indexer) ?? 0
        print("progress board: indexer \(number) reported \(await board.whenLocal { $0.directories(countedBy: pid) } ?? 0) directories")
    }
    await system.stop(walledIn)
    do {
        _ = try await walledIn.identity()
        print("indexer 2 stopped, yet it answered")
    } catch let error as BridgeError {
        print("indexer 2 stopped; a call to it now fails: \(error.code)")
    }
    await system.shutdown()
    print("both hosts stopped")
} catch {
    print("distributed-indexer failed: \(error)")
    await system.shutdown()
    exit(1)
}
