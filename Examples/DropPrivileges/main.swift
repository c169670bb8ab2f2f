// A root parent starts a host that switches to `nobody` before its real type exists: the host
// cannot read a file that only root may read, and cannot become root again.
//
//     sudo swift run drop-privileges     (or as root: swift run drop-privileges)
import Bridge
import Foundation

/// What the host may do, asked from inside it.
protocol Probe: Bridged {
    func identity() async throws -> String
    /// The file's contents, or why it could not be read.
    func read(_ path: String) async throws -> String
    /// Whether `setuid(0)` succeeded.
    func becomeRoot() async throws -> Bool
}

final class LocalProbe: Probe {
    init() {}

    func identity() async throws -> String { "uid \(getuid()), gid \(getgid())" }

    func read(_ path: String) async throws -> String {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return "cannot read it: \(String(cString: strerror(errno)))" }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        return "read \(String(decoding: handle.readDataToEndOfFile(), as: UTF8.self).debugDescription)"
    }

    func becomeRoot() async throws -> Bool { setuid(0) == 0 }
}

// A file only root can read, in a directory anyone can enter.
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("drop-privileges-\(getpid())").path
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
defer { try? FileManager.default.removeItem(atPath: directory) }
let secret = directory + "/secret"
_ = FileManager.default.createFile(atPath: secret, contents: Data("root only".utf8), attributes: [.posixPermissions: 0o600])

let parentProbe = LocalProbe()
print("parent (pid \(getpid())): \(try await parentProbe.identity()); \(secret): \(try await parentProbe.read(secret))")

do {
    try await withBridge(LocalProbe.self, options: .init(user: "nobody")) { probe in
        print("host as nobody: \(try await probe.identity()); \(secret): \(try await probe.read(secret))")
        print("host tries setuid(0): \(try await probe.becomeRoot() ? "succeeded (the drop failed!)" : "refused")")
    }
} catch let error as BridgeError {
    print(error)
    exit(1)
}
print("parent is still \(try await parentProbe.identity())")
