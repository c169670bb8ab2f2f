import CBenchSupport
import Bridge
import Foundation

/// The size of the large messages. Declared here, not in main.swift: a global there is set by
/// top-level code, which never runs in a host.
let bulkSize = 1 << 20

/// The floor: a raw echo of length-prefixed messages, with no codec and no bridge, both ends
/// written in C (`RawEcho.c` in CBenchSupport). Either a
/// thread in the bridge's own host, over a second socket (the same two processes as the
/// bridged calls), or a copy of this binary started the way a host is (its socket is
/// descriptor 3), for timing start-up.
final class RawPeer {
    private let socket: Int32
    /// The started copy; nil for an echo thread in a bridge host.
    private let process: pid_t?
    private let message: UnsafeMutableRawBufferPointer

    private init(socket: Int32, process: pid_t?) {
        self.socket = socket
        self.process = process
        message = .allocate(byteCount: 4 + bulkSize, alignment: 8)
        message.initializeMemory(as: UInt8.self, repeating: 0x5A)
    }

    deinit { message.deallocate() }

    static func start() throws -> RawPeer {
        var fds: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0 else { fatalError("socketpair failed") }
        let process = try System.spawnHost(
            path: System.currentExecutablePath(), arguments: ["bridge-bench-peer"],
            environment: ["BRIDGE_BENCH_ECHO=1"], bridge: FileDescriptor(rawValue: fds[1]),
            side: FileDescriptor(rawValue: fds[1]))
        close(fds[1])
        return RawPeer(socket: fds[0], process: process)
    }

    /// Sends a message of `byteCount` bytes and reads its echo.
    func exchange(byteCount: Int) throws {
        let failed = bench_raw_exchange(socket, message.baseAddress!.assumingMemoryBound(to: UInt8.self), byteCount)
        guard failed == 0 else { throw SystemError("the raw exchange", code: failed) }
    }

    /// Connects to the echo a bridge host listens for at `path` (see `listen(at:)`).
    static func connect(to path: String) throws -> RawPeer {
        let socket = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = unixAddress(path)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { throw SystemError("connect", code: errno) }
        return RawPeer(socket: socket, process: nil)
    }

    /// In a bridge host: listens at `path` and serves one connection from a thread of its own.
    static func listen(at path: String) throws {
        let listener = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = unixAddress(path)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, Glibc.listen(listener, 1) == 0 else { throw SystemError("bind", code: errno) }
        Thread {
            let socket = accept(listener, nil, nil)
            close(listener)
            unlink(path)
            serveUntilClosed(socket)
            close(socket)
        }.start()
    }

    private static func unixAddress(_ path: String) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(path.utf8.prefix(raw.count - 1))
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return address
    }

    /// Closes the socket, which ends the peer, and reaps a started copy.
    func end() {
        close(socket)
        if let process { _ = System.reap(process, block: true) }
    }

    /// A started copy's side: echoes until the socket closes, then exits.
    static func serve(on socket: Int32) -> Never {
        serveUntilClosed(socket)
        exit(0)
    }

    /// Echoes each complete message in one write, until the socket closes.
    private static func serveUntilClosed(_ socket: Int32) {
        let capacity = 8 + 2 * bulkSize
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        bench_raw_serve(socket, buffer, capacity)
    }
}
