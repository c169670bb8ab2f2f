import Bridge
import Foundation

/// The floor: a copy of this binary, started the way a host is (its socket is descriptor 3),
/// that echoes length-prefixed messages with no codec and no bridge.
final class RawPeer {
    private let socket: Int32
    private let process: pid_t
    private let message: UnsafeMutableRawBufferPointer

    private init(socket: Int32, process: pid_t) {
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
            environment: ["BRIDGE_BENCH_ECHO=1"], bridge: FileDescriptor(rawValue: fds[1]))
        close(fds[1])
        return RawPeer(socket: fds[0], process: process)
    }

    /// Sends a message of `byteCount` bytes and reads its echo.
    func exchange(byteCount: Int) throws {
        message.storeBytes(of: UInt32(byteCount), as: UInt32.self)
        let total = 4 + byteCount
        try Self.writeAll(socket, UnsafeRawBufferPointer(rebasing: message[..<total]))
        var received = 0
        while received < total {
            let count = read(socket, message.baseAddress! + received, total - received)
            guard count > 0 else { throw SystemError("read", code: errno) }
            received += count
        }
    }

    /// Closes the socket, which ends the peer, and reaps it.
    func end() {
        close(socket)
        _ = System.reap(process, block: true)
    }

    /// The peer's side: echoes each complete message in one write; exits at end of file.
    static func serve(on socket: Int32) -> Never {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 8 + 2 * bulkSize, alignment: 8)
        var end = 0
        while true {
            let count = read(socket, buffer.baseAddress! + end, buffer.count - end)
            if count <= 0 { exit(0) }
            end += count
            var start = 0
            while end - start >= 4 {
                let total = 4 + Int(buffer.load(fromByteOffset: start, as: UInt32.self))
                guard end - start >= total else { break }
                guard (try? writeAll(socket, UnsafeRawBufferPointer(rebasing: buffer[start..<start + total]))) != nil else { exit(0) }
                start += total
            }
            buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: end - start)
            end -= start
        }
    }

    private static func writeAll(_ socket: Int32, _ bytes: UnsafeRawBufferPointer) throws {
        var sent = 0
        while sent < bytes.count {
            let count = write(socket, bytes.baseAddress! + sent, bytes.count - sent)
            guard count > 0 else { throw SystemError("write", code: errno) }
            sent += count
        }
    }
}
