#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CBridge

// Descriptors: sockets, pipes, reads and writes.

extension System {
    /// A connected pair of Unix stream sockets, both close-on-exec.
    package static func socketPair() throws(SystemError) -> (FileDescriptor, FileDescriptor) {
        var fds: [CInt] = [-1, -1]
        #if canImport(Glibc)
        let type = CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue)
        guard socketpair(AF_UNIX, type, 0, &fds) == 0 else { throw SystemError("socketpair", code: errno) }
        #else
        guard socketpair(AF_UNIX, SOCK_STREAM, 0, &fds) == 0 else { throw SystemError("socketpair", code: errno) }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var on: CInt = 1
        for fd in fds { _ = setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, socklen_t(MemoryLayout<CInt>.size)) }
        #endif
        return (FileDescriptor(rawValue: fds[0]), FileDescriptor(rawValue: fds[1]))
    }

    /// A pipe, both ends close-on-exec.
    /// - Returns: The end to read from and the end to write to.
    package static func pipe() throws(SystemError) -> (read: FileDescriptor, write: FileDescriptor) {
        var fds: [CInt] = [-1, -1]
        guard cbridge_pipe(&fds) == 0 else { throw SystemError("pipe", code: errno) }
        return (FileDescriptor(rawValue: fds[0]), FileDescriptor(rawValue: fds[1]))
    }

    /// Waits until at least one of `descriptors` can be read (or is at end of file).
    /// - Returns: For each descriptor, whether it is ready.
    package static func waitReadable(_ descriptors: [FileDescriptor]) throws(SystemError) -> [Bool] {
        var entries = descriptors.map { pollfd(fd: $0.rawValue, events: Int16(POLLIN), revents: 0) }
        _ = try retryingOnInterrupt("poll") { platformPoll(&entries, nfds_t(entries.count), -1) }
        return entries.map { $0.revents != 0 }
    }

    /// Makes this process's standard output flush at each newline, as it does on a terminal.
    package static func lineBufferStandardOutput() {
        cbridge_line_buffer_stdout()
    }

    /// Whether the other end of `socket` has not yet read all that was sent on it
    /// (`SIOCOUTQ`, which counts the kernel's buffers, not bytes: 0 once all is read); nil where
    /// the system does not tell.
    package static func peerHasUnread(_ socket: FileDescriptor) -> Bool? {
        #if canImport(Glibc)
        var count: CInt = 0
        // SIOCOUTQ, which Glibc spells TIOCOUTQ (0x5411 on Linux).
        return ioctl(socket.rawValue, UInt(TIOCOUTQ), &count) == 0 ? count > 0 : nil
        #else
        return nil
        #endif
    }

    /// Whether `descriptor` is open on a regular file (not a terminal, pipe, socket or device).
    package static func isRegularFile(_ descriptor: FileDescriptor) -> Bool {
        var info = stat()
        return fstat(descriptor.rawValue, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// Whether `descriptor` is an open Unix-domain stream socket, the only kind a host serves on.
    package static func isUnixStreamSocket(_ descriptor: FileDescriptor) -> Bool {
        var info = stat()
        guard fstat(descriptor.rawValue, &info) == 0, (info.st_mode & S_IFMT) == S_IFSOCK else { return false }
        var type: CInt = 0
        var length = socklen_t(MemoryLayout<CInt>.size)
        guard getsockopt(descriptor.rawValue, SOL_SOCKET, SO_TYPE, &type, &length) == 0 else { return false }
        #if canImport(Glibc)
        guard type == CInt(SOCK_STREAM.rawValue) else { return false }
        #else
        guard type == SOCK_STREAM else { return false }
        #endif
        var address = sockaddr_storage()
        var addressLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getsockname(descriptor.rawValue, $0, &addressLength)
            }
        }
        return named == 0 && CInt(address.ss_family) == AF_UNIX
    }

    package static func setCloseOnExec(_ descriptor: FileDescriptor) {
        _ = fcntl(descriptor.rawValue, F_SETFD, FD_CLOEXEC)
    }

    package static func close(_ descriptor: FileDescriptor) {
        _ = platformClose(descriptor.rawValue)
    }

    /// Reads at most `buffer.count` bytes; 0 means end of file.
    package static func read(_ descriptor: FileDescriptor, into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int {
        try retryingOnInterrupt("read") { platformRead(descriptor.rawValue, buffer.baseAddress, buffer.count) }
    }

    /// Sends all of `bytes` on a socket, however many calls it takes. A closed peer is an
    /// error (`EPIPE`), never a `SIGPIPE`.
    package static func sendAll(_ socket: FileDescriptor, _ bytes: UnsafeRawBufferPointer) throws(SystemError) {
        try writeAll(socket, bytes, call: "send") { fd, pointer, count in
            #if canImport(Glibc)
            Glibc.send(fd, pointer, count, CInt(MSG_NOSIGNAL))
            #else
            Darwin.write(fd, pointer, count)  // SO_NOSIGPIPE is set on the socket
            #endif
        }
    }

    /// Writes all of `bytes` to a file or pipe.
    package static func writeAll(_ descriptor: FileDescriptor, _ bytes: UnsafeRawBufferPointer) throws(SystemError) {
        try writeAll(descriptor, bytes, call: "write") { platformWrite($0, $1, $2) }
    }

    private static func writeAll(
        _ descriptor: FileDescriptor, _ bytes: UnsafeRawBufferPointer, call: String,
        _ write: (CInt, UnsafeRawPointer, Int) -> Int
    ) throws(SystemError) {
        var offset = 0
        while offset < bytes.count {
            offset += try retryingOnInterrupt(call) { write(descriptor.rawValue, bytes.baseAddress! + offset, bytes.count - offset) }
        }
    }

    /// What a read from a socket got.
    package enum Received {
        case bytes(Int)
        /// The peer closed its end, or reset the connection (`ECONNRESET`): it is gone.
        case endOfFile
        /// The socket's receive timeout ran out.
        case timedOut
        /// `recv` failed with another `errno` (`EBADF`, `ENOTSOCK`, `ENOMEM`, ...): the
        /// descriptor is not a working socket, and asking again would fail again.
        case failed(SystemError)
    }

    /// Reads at most `buffer.count` bytes from a socket, waiting for them up to the socket's
    /// receive timeout; without `waiting`, only what is there now (else `.timedOut`).
    package static func receive(_ socket: FileDescriptor, into buffer: UnsafeMutableRawBufferPointer, waiting: Bool = true) -> Received {
        let flags = waiting ? 0 : CInt(MSG_DONTWAIT)
        switch valueOrErrno(retryingOnInterrupt: { recv(socket.rawValue, buffer.baseAddress, buffer.count, flags) }) {
        case .success(0): return .endOfFile
        case .success(let count): return .bytes(count)
        case .failure(let error) where error.code == EAGAIN || error.code == EWOULDBLOCK: return .timedOut
        // A peer that died with bytes unread makes the next read fail so: its end, as a close.
        case .failure(let error) where error.code == ECONNRESET: return .endOfFile
        case .failure(let error): return .failed(SystemError("recv", code: error.code))
        }
    }

    /// Makes reads from `socket` give up after `timeout` (`SO_RCVTIMEO`); nil waits for ever.
    package static func setReceiveTimeout(_ socket: FileDescriptor, _ timeout: Duration?) {
        let (seconds, attoseconds) = timeout?.components ?? (0, 0)
        var value = timeval(tv_sec: .init(seconds), tv_usec: .init(attoseconds / 1_000_000_000_000))
        if timeout != nil && seconds == 0 && value.tv_usec == 0 { value.tv_usec = 1 }  // 0 means never
        _ = setsockopt(socket.rawValue, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    /// What a send that must not wait did.
    package enum Sent {
        case bytes(Int)
        /// The socket takes no more for now.
        case wouldBlock
        /// The peer is gone, or the socket broke.
        case failed
    }

    /// What a wait for bytes to read or room to write saw.
    package enum Readiness {
        /// Bytes to read, or the end.
        case readable
        /// Room to write, and nothing to read.
        case writable
        /// Neither, within the time.
        case neither
    }

    /// Sends what the socket takes now of `bytes`, without waiting for room.
    package static func sendWithoutWaiting(_ socket: FileDescriptor, _ bytes: UnsafeRawBufferPointer) -> Sent {
        let sent = valueOrErrno {
            #if canImport(Glibc)
            Glibc.send(socket.rawValue, bytes.baseAddress, bytes.count, CInt(MSG_NOSIGNAL) | CInt(MSG_DONTWAIT))
            #else
            Darwin.send(socket.rawValue, bytes.baseAddress, bytes.count, MSG_DONTWAIT)
            #endif
        }
        switch sent {
        case .success(let count): return .bytes(count)
        case .failure(let error) where error.code == EAGAIN || error.code == EWOULDBLOCK: return .wouldBlock
        case .failure: return .failed
        }
    }

    /// Waits until `socket` has bytes to read or room to write, at most `timeout`.
    /// - Returns: `.readable` when it has bytes to read (or reached its end), or when the wait
    ///   itself failed (`poll`'s own failure, or `POLLNVAL`, a descriptor that is not open):
    ///   then the read that follows fails too, naming why, instead of the caller asking
    ///   again and again. `.writable` when only room came; `.neither` when the time ran out.
    package static func waitUntilReadableOrWritable(_ socket: FileDescriptor, atMost timeout: Duration) -> Readiness {
        var entry = pollfd(fd: socket.rawValue, events: Int16(POLLIN | POLLOUT), revents: 0)
        guard case .success(let ready) = valueOrErrno(retryingOnInterrupt: { platformPoll(&entry, 1, pollMilliseconds(timeout)) }) else {
            return .readable
        }
        if ready == 0 { return .neither }
        return entry.revents & Int16(POLLIN | POLLHUP | POLLERR | POLLNVAL) != 0 ? .readable : .writable
    }

    /// Waits until `socket` has bytes to read (or reached its end, or failed), at most
    /// `timeout`. On time, unlike a read under `SO_RCVTIMEO`, which Linux counts in scheduler
    /// ticks: a 2 s timeout ended 14-24 ms late on the development VM, a 2 ms one 12 ms late.
    /// - Returns: False when the time ran out; true also when the wait itself failed, so that
    ///   the read that follows fails, naming why.
    package static func waitUntilReadable(_ socket: FileDescriptor, atMost timeout: Duration) -> Bool {
        var entry = pollfd(fd: socket.rawValue, events: Int16(POLLIN), revents: 0)
        guard case .success(let ready) = valueOrErrno(retryingOnInterrupt: { platformPoll(&entry, 1, pollMilliseconds(timeout)) }) else {
            return true
        }
        return ready != 0
    }

    /// Waits until `socket` has room to write or has failed, at most `timeout`.
    package static func waitUntilWritable(_ socket: FileDescriptor, atMost timeout: Duration) {
        var entry = pollfd(fd: socket.rawValue, events: Int16(POLLOUT), revents: 0)
        _ = valueOrErrno(retryingOnInterrupt: { platformPoll(&entry, 1, pollMilliseconds(timeout)) })
    }

    /// `timeout` in the whole milliseconds `poll` takes, rounded up, so that a wait never ends
    /// before its time.
    package static func pollMilliseconds(_ timeout: Duration) -> CInt {
        let (seconds, attoseconds) = timeout.components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        return CInt(clamping: seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
    }
}
