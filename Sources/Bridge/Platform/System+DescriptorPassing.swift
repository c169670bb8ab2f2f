#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CBridge

// Descriptor passing: bytes with descriptors attached (SCM_RIGHTS) over a Unix stream socket,
// the same mechanism on Linux and Darwin (`CBridgeDescriptorPassing.c`).

extension System {
    /// The most descriptors one `sendmsg` carries (Linux's `SCM_MAX_FD`).
    package static let maximumDescriptorsPerMessage = Int(CBRIDGE_MAX_DESCRIPTORS_PER_MESSAGE)

    /// Sends what fits of `bytes` (all of it when `waiting`, as far as one call goes) with
    /// `descriptors` attached to the first byte sent.
    /// - Parameter descriptors: At most `maximumDescriptorsPerMessage`; `bytes` not empty.
    /// - Returns: `.failed` too when the kernel refuses the descriptors (`ETOOMANYREFS`: the
    ///   sending user has more descriptors in flight than its `RLIMIT_NOFILE`).
    package static func send(
        _ socket: FileDescriptor, _ bytes: UnsafeRawBufferPointer, attaching descriptors: UnsafeBufferPointer<CInt>,
        waiting: Bool
    ) -> Sent {
        let sent = valueOrErrno {
            cbridge_send_with_descriptors(
                socket.rawValue, bytes.baseAddress, bytes.count, descriptors.baseAddress, CInt(descriptors.count),
                waiting ? 1 : 0)
        }
        switch sent {
        case .success(let count): return .bytes(count)
        case .failure(let error) where error.code == EAGAIN || error.code == EWOULDBLOCK: return .wouldBlock
        case .failure: return .failed
        }
    }

    /// Reads at most `buffer.count` bytes from a socket (`recvmsg`), waiting for them up to the
    /// socket's receive timeout (without `waiting`, only what is there now, else `.timedOut`),
    /// and the descriptors that came with them (close-on-exec), which `received` is given, in
    /// order, and owns from then on. Every read takes descriptors: a plain `recv` would have
    /// the kernel close any that came.
    /// - Parameter room: Room for `maximumDescriptorsPerMessage` descriptors.
    package static func receive(
        _ socket: FileDescriptor, into buffer: UnsafeMutableRawBufferPointer, waiting: Bool,
        descriptorRoom room: UnsafeMutablePointer<CInt>, received: (UnsafeBufferPointer<CInt>) -> Void
    ) -> Received {
        var count: CInt = 0
        var truncated: CInt = 0
        let result = valueOrErrno {
            cbridge_receive_with_descriptors(
                socket.rawValue, buffer.baseAddress, buffer.count, room, &count, &truncated, waiting ? 1 : 0)
        }
        if count > 0 { received(UnsafeBufferPointer(start: room, count: Int(count))) }
        switch result {
        case .success(0): return .endOfFile
        case .success(let bytes): return .bytes(bytes)
        case .failure(let error) where error.code == EAGAIN || error.code == EWOULDBLOCK: return .timedOut
        // A peer that died with bytes unread makes the next read fail so: its end, as a close.
        case .failure(let error) where error.code == ECONNRESET: return .endOfFile
        case .failure(let error): return .failed(SystemError("recvmsg", code: error.code))
        }
    }

    /// A close-on-exec duplicate of `descriptor`, above 2.
    /// - Throws: `SystemError` naming `fcntl(F_DUPFD_CLOEXEC)` (`EBADF` for a descriptor that is
    ///   not open, `EMFILE` at the process's limit).
    package static func duplicate(_ descriptor: CInt) throws(SystemError) -> CInt {
        try retryingOnInterrupt("fcntl(F_DUPFD_CLOEXEC)") { fcntl(descriptor, F_DUPFD_CLOEXEC, 3) }
    }

    /// Closes a raw descriptor, ignoring failure.
    package static func close(_ descriptor: CInt) {
        _ = platformClose(descriptor)
    }
}
