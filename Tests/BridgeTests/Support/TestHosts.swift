import Bridge
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a host reports about itself, to check isolation from the parent.
struct HostFacts: Codable, Equatable, Sendable {
    var processID: Int32
    var parentProcessID: Int32
    var workingDirectory: String
    /// Each open descriptor and what it refers to.
    var openDescriptors: [Int32: String]
    var bridgeVariable: String?
}

/// An error that crosses the wire as itself.
enum SandboxError: Error, Codable, Equatable {
    case notFound(path: String)
    case refused(reason: String, code: Int)
}

/// An error that is not Codable: arrives as BridgeError.remoteError.
struct OpaqueFailure: Error, CustomStringConvertible {
    var description: String { "opaque failure 42" }
}

protocol Sandbox: Bridged {
    func changeDirectory(to path: String) async throws
    func currentDirectory() async throws -> String
    func run(_ argv: [String]) throws -> Int32
    func add(_ a: Int, _ b: Int) async throws -> Int
    func facts() async throws -> HostFacts
    func fail(path: String) async throws
    func failOpaquely() async throws
    func exit(status: Int32) async throws
    func raise(signal: Int32) async throws
    func hang() async throws
    func environment() async throws -> [String: String]
    /// The lengths of the addresses `getsockname` and `getpeername` give for `descriptor`.
    func addressLengths(of descriptor: Int32) async throws -> [UInt32]
    /// Starts a host of its own and returns its pid; with `frozen`, that host is stopped with
    /// SIGSTOP, so it cannot notice its socket closing and only the parent-death signal can end it.
    func startNestedHost(frozen: Bool) async throws -> Int32
    var name: String { get async throws }
}

final class LocalSandbox: Sandbox, BridgeLifecycle {
    private var started = false
    private var nested: Bridge<LocalSandbox>?

    init() {}

    func bridgeDidStart() async throws {
        started = true
        if let marker = ProcessInfo.processInfo.environment["SANDBOX_FAIL_START"] {
            throw SandboxError.refused(reason: marker, code: 7)
        }
    }

    func bridgeWillStop() async {
        if let path = ProcessInfo.processInfo.environment["SANDBOX_STOP_MARKER"] {
            _ = FileManager.default.createFile(atPath: path, contents: Data("stopped \(getpid())".utf8))
        }
    }

    func changeDirectory(to path: String) async throws {
        guard FileManager.default.changeCurrentDirectoryPath(path) else { throw SandboxError.notFound(path: path) }
    }

    func currentDirectory() async throws -> String { FileManager.default.currentDirectoryPath }

    func run(_ argv: [String]) throws -> Int32 { Int32(argv.count) }

    func add(_ a: Int, _ b: Int) async throws -> Int { a + b }

    func facts() async throws -> HostFacts {
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return HostFacts(
            processID: getpid(),
            parentProcessID: getppid(),
            workingDirectory: FileManager.default.currentDirectoryPath,
            openDescriptors: Dictionary(uniqueKeysWithValues: descriptors.compactMap { name in
                Int32(name).map { ($0, (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(name)")) ?? "?") }
            }),
            bridgeVariable: ProcessInfo.processInfo.environment["SWIFT_PROCESS_BRIDGE_HOST"])
    }

    func fail(path: String) async throws { throw SandboxError.notFound(path: path) }

    func failOpaquely() async throws { throw OpaqueFailure() }

    func exit(status: Int32) async throws { Glibc.exit(status) }

    func raise(signal: Int32) async throws { _ = Glibc.raise(signal) }

    func hang() async throws {
        while true { pause() }
    }

    func environment() async throws -> [String: String] { ProcessInfo.processInfo.environment }

    func addressLengths(of descriptor: Int32) async throws -> [UInt32] {
        [getsockname, getpeername].map { name in
            var address = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let result = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { name(descriptor, $0, &length) }
            }
            return result == 0 ? length : 0
        }
    }

    func startNestedHost(frozen: Bool) async throws -> Int32 {
        let bridge = try await Bridge<LocalSandbox>.start()
        nested = bridge
        if frozen { kill(bridge.processID, SIGSTOP) }
        return bridge.processID
    }

    var name: String {
        get async throws { started ? "started" : "not started" }
    }
}
