#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// What the shared-memory transport needs from the system besides `CBridgeSharedMemory.c`.

extension System {
    /// `EPROTO`: what a ring that the other process corrupted fails with.
    package static let protocolError = EPROTO
    /// `EINVAL`.
    package static let invalidArgument = EINVAL
    /// The calling thread's `errno`.
    package static var lastError: CInt { errno }

    /// Whether the other end of `socket` closed or shut down its side, without reading what
    /// waits (`poll` for `POLLHUP`, and on Linux `POLLRDHUP`).
    package static func peerHasGone(_ socket: FileDescriptor) -> Bool {
        #if canImport(Glibc)
        let events: Int16 = 0x2000  // POLLRDHUP, which needs _GNU_SOURCE in C
        #else
        let events: Int16 = 0
        #endif
        var entry = pollfd(fd: socket.rawValue, events: events, revents: 0)
        guard case .success(let ready) = valueOrErrno(retryingOnInterrupt: { platformPoll(&entry, 1, 0) }), ready > 0 else { return false }
        return entry.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 || entry.revents & events != 0
    }
}
