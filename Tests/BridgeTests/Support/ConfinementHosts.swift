import Bridge
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A soft and a hard resource limit as a host reads them; nil is unlimited.
struct ObservedLimit: Codable, Equatable, Sendable {
    var soft: UInt64?
    var hard: UInt64?
}

/// Reports, from inside a host, what its confinement lets it do.
protocol ConfinementProbe: Bridged {
    /// `getrlimit` of each resource, by its C name (`RLIMIT_AS`, ...).
    func limits() async throws -> [String: ObservedLimit]
    /// The errno of connecting to 127.0.0.1:`port` (0 if it connected).
    func connect(toLoopbackPort port: UInt16) async throws -> Int32
    /// The network interfaces the host sees.
    func interfaces() async throws -> [String]
    /// Writes `count` bytes to a new file at `path`; the errno of the failure, or 0.
    func write(_ count: Int, bytesTo path: String) async throws -> Int32
    /// The file's contents, or nil if it cannot be read.
    func read(_ path: String) async throws -> String?
    /// `PR_GET_NO_NEW_PRIVS` of the thread the call runs on, and of another thread the call starts.
    func noNewPrivileges() async throws -> [Bool]
    /// The working directory and the user id.
    func whereAndWho() async throws -> String
    /// Burns CPU until the host is stopped.
    func spin() async throws -> Int
    /// Allocates and touches `count` bytes; returns their sum.
    func allocate(_ count: Int) async throws -> Int
    /// Starts a bridge with these confinement options from inside this host; its answer to
    /// `interfaces()` and `write(1, bytesTo:)` of `path`, or the start's error.
    func startConfined(
        limits: BridgeLimits, network: BridgeNetworkAccess, filesystem: BridgeFilesystemAccess, probing path: String
    ) async throws -> String
}

final class LocalConfinementProbe: ConfinementProbe {
    init() {}

    func limits() async throws -> [String: ObservedLimit] {
        var limits: [String: ObservedLimit] = [:]
        for resource in System.Resource.allCases {
            let pair = try System.limit(resource)
            limits[resource.name] = ObservedLimit(soft: pair.soft, hard: pair.hard)
        }
        return limits
    }

    func connect(toLoopbackPort port: UInt16) async throws -> Int32 {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return errno }
        defer { close(socket) }
        var address = loopbackAddress(port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return result == 0 ? 0 : errno
    }

    func interfaces() async throws -> [String] { System.interfaceNames() }

    func write(_ count: Int, bytesTo path: String) async throws -> Int32 {
        let file = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard file >= 0 else { return errno }
        defer { close(file) }
        let bytes = [UInt8](repeating: 7, count: count)
        var written = 0
        while written < count {
            let result = bytes[written...].withUnsafeBytes { Glibc.write(file, $0.baseAddress, $0.count) }
            guard result > 0 else { return errno }
            written += result
        }
        return 0
    }

    func read(_ path: String) async throws -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    func noNewPrivileges() async throws -> [Bool] {
        let here = try System.callingThreadHasNoNewPrivileges()
        let there = await onOwnThread { (try? System.callingThreadHasNoNewPrivileges()) ?? false }
        return [here, there]
    }

    func whereAndWho() async throws -> String {
        "\(FileManager.default.currentDirectoryPath) as uid \(getuid())"
    }

    func spin() async throws -> Int {
        var total = 0
        while true { total &+= Int.random(in: 0...1) }
    }

    func allocate(_ count: Int) async throws -> Int {
        let bytes = [UInt8](repeating: 1, count: count)
        return bytes.reduce(0) { $0 &+ Int($1) }
    }

    func startConfined(
        limits: BridgeLimits, network: BridgeNetworkAccess, filesystem: BridgeFilesystemAccess, probing path: String
    ) async throws -> String {
        do {
            let options = BridgeOptions(limits: limits, network: network, filesystem: filesystem)
            return try await withBridge(LocalConfinementProbe.self, options: options) { probe in
                "interfaces \(try await probe.interfaces()), write errno \(try await probe.write(1, bytesTo: path)), uid \(try await probe.whereAndWho())"
            }
        } catch {
            return "\(error)"
        }
    }
}

/// A TCP socket listening on 127.0.0.1, in the parent.
final class LoopbackListener: Sendable {
    let port: UInt16
    private let socket: Int32

    init() throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.socket = socket
        var address = loopbackAddress(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socket, pointer, length) == 0 && listen(socket, 16) == 0 && getsockname(socket, pointer, &length) == 0
            }
        }
        guard bound else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        port = UInt16(bigEndian: address.sin_port)
    }

    deinit { close(socket) }
}

/// 127.0.0.1:`port` (0: a port the system picks).
private func loopbackAddress(port: UInt16) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
    return address
}
