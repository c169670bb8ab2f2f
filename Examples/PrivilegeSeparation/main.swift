// A root parent runs risky code in a host walled in every way a bridge offers: the host runs as
// `nobody`, with no network but its own loopback, a read-only view of every file system, no new
// privileges, and resource limits. The parent opens a file only root can read and hands the host
// the open descriptor, which the host parses though it cannot open the path itself. From inside,
// the host shows what it cannot do; then a runaway call in it is stopped by its CPU limit.
//
//     sudo swift run privilege-separation     (or as root: swift run privilege-separation)
import Bridge
import Foundation

/// What the walled-in host tries, asked from inside it.
protocol Untrusted: Bridged {
    func identity() async throws -> String
    /// Parses the file the parent opened (here: counts its lines and words), reading it
    /// from the descriptor it was handed.
    func parse(_ file: BridgeFileDescriptor) async throws -> String
    /// Opens `path` for reading: what it read, or why it could not.
    func open(_ path: String) async throws -> String
    /// Creates a file at `path`: whether it could, or why not.
    func create(_ path: String) async throws -> String
    /// Connects to 127.0.0.1:`port`.
    func connect(port: UInt16) async throws -> String
    func interfaces() async throws -> [String]
    /// Never returns: a parser stuck in a loop.
    func runaway() async throws -> Int
}

final class LocalUntrusted: Untrusted {
    init() {}

    func identity() async throws -> String { "uid \(getuid()), gid \(getgid())" }

    func parse(_ file: BridgeFileDescriptor) async throws -> String {
        // The handle reads the descriptor; the object still owns it and closes it.
        let handle = FileHandle(fileDescriptor: file.rawValue, closeOnDealloc: false)
        let text = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        let lines = text.split(separator: "\n").count
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).count
        return "read \(text.debugDescription): \(lines) line, \(words) words"
    }

    func open(_ path: String) async throws -> String {
        let descriptor = Foundation.open(path, O_RDONLY)
        guard descriptor >= 0 else { return "cannot open it: \(String(cString: strerror(errno)))" }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        return "read \(String(decoding: handle.readDataToEndOfFile(), as: UTF8.self).debugDescription)"
    }

    func create(_ path: String) async throws -> String {
        let descriptor = Foundation.open(path, O_WRONLY | O_CREAT, 0o644)
        guard descriptor >= 0 else { return "cannot create it: \(String(cString: strerror(errno)))" }
        close(descriptor)
        return "created it"
    }

    func connect(port: UInt16) async throws -> String {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Foundation.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return result == 0 ? "connected" : "cannot connect: \(String(cString: strerror(errno)))"
    }

    func interfaces() async throws -> [String] {
        // /proc/net/dev lists the interfaces of the reader's network namespace (/sys/class/net
        // would show those of the namespace that mounted /sys: the parent's).
        let table = (try? String(contentsOfFile: "/proc/net/dev", encoding: .utf8)) ?? ""
        let rows: [Substring] = table.split(separator: "\n").dropFirst(2).map { $0.prefix(while: { $0 != ":" }) }
        return rows.map { String($0.drop(while: { $0 == " " })) }
    }

    func runaway() async throws -> Int {
        var count = 0
        while true { count &+= Int.random(in: 0...1) }
    }
}

/// A socket the parent listens on, at 127.0.0.1 and a port the system picks.
func listenOnLoopback() -> (socket: Int32, port: UInt16) {
    let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) + listen(socket, 4) + getsockname(socket, $0, &length) }
    }
    return (socket, UInt16(bigEndian: address.sin_port))
}

// A file only root can read, in a directory anyone can enter.
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("privilege-separation-\(getpid())").path
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o777])
defer { try? FileManager.default.removeItem(atPath: directory) }
let secret = directory + "/secret"
_ = FileManager.default.createFile(atPath: secret, contents: Data("root only".utf8), attributes: [.posixPermissions: 0o600])
let listener = listenOnLoopback()
defer { close(listener.socket) }

let parent = LocalUntrusted()
print("parent (pid \(getpid())): \(try await parent.identity()); \(secret): \(try await parent.open(secret)); listening on 127.0.0.1:\(listener.port)")

let options = BridgeOptions(
    user: "nobody",
    output: .discard,
    limits: BridgeLimits(addressSpace: 4 << 30, cpuTime: .seconds(2), openFiles: 64, fileSize: 0, coreDumps: false),
    network: .none,
    filesystem: .readOnly(writable: []))
do {
    let bridge = try await Bridge<LocalUntrusted>.start(options)
    let host = bridge.client
    print("host as nobody: \(try await host.identity()); network interfaces: \(try await host.interfaces().joined(separator: ", "))")
    // The parent opens the file (as root) and hands the host the open descriptor only.
    let secretDescriptor = Foundation.open(secret, O_RDONLY | O_CLOEXEC)
    let file = try BridgeFileDescriptor(duplicating: secretDescriptor)
    close(secretDescriptor)
    print("host parses the descriptor the parent opened: \(try await host.parse(file))")
    print("host opens \(secret): \(try await host.open(secret))")
    print("host creates \(directory)/note: \(try await host.create(directory + "/note"))")
    print("host connects to the parent's 127.0.0.1:\(listener.port): \(try await host.connect(port: listener.port))")
    do {
        _ = try await host.runaway()
        print("the runaway call returned (the CPU limit did not hold!)")
    } catch let error as BridgeError {
        print("runaway call stopped: host \(bridge.termination.map(String.init(describing:)) ?? "still runs") (\(error.code))")
    }
    await bridge.stop()
} catch let error as BridgeError {
    print(error)
    exit(1)
}
print("parent is still \(try await parent.identity()); \(directory)/note exists: \(FileManager.default.fileExists(atPath: directory + "/note"))")
