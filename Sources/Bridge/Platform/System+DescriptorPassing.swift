#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CBridge

// Descriptor passing: small records with descriptors attached (SCM_RIGHTS) over a Unix stream
// socket of their own, the same mechanism on Linux and Darwin (`CBridgeDescriptorPassing.c`).

extension System {
    /// The most descriptors one `sendmsg` carries (Linux's `SCM_MAX_FD`).
    package static let maximumDescriptorsPerMessage = Int(CBRIDGE_MAX_DESCRIPTORS_PER_MESSAGE)

    /// Sends one record (a few bytes) with `descriptors` attached, waiting at most `timeout`
    /// for room (nil: as long as it takes).
    /// - Parameter descriptors: At most `maximumDescriptorsPerMessage`.
    /// - Throws: `SystemError` naming `sendmsg(SCM_RIGHTS)`: `ETIMEDOUT` when no room came in
    ///   time, `ETOOMANYREFS` when the sending user has more descriptors in flight than its
    ///   `RLIMIT_NOFILE`, `EPIPE` when the other process is gone.
    package static func sendRecord(
        _ socket: FileDescriptor, _ record: UnsafeRawBufferPointer, attaching descriptors: UnsafeBufferPointer<CInt>,
        waitingAtMost timeout: Duration?
    ) throws(SystemError) {
        let result = cbridge_send_record(
            socket.rawValue, record.baseAddress, record.count, descriptors.baseAddress, CInt(descriptors.count),
            timeout.map(pollMilliseconds) ?? -1)
        guard result == 0 else { throw SystemError("sendmsg(SCM_RIGHTS)", code: errno) }
    }

    /// What a read of one record brought.
    package enum ReceivedRecord {
        /// `count` bytes, with the descriptors that came with them (close-on-exec), which the
        /// caller owns; `truncated` when the kernel dropped some (no room, or the receiver's
        /// limit on open descriptors).
        case record(count: Int, descriptors: [CInt], truncated: Bool)
        /// Nothing waits now.
        case nothing
        /// The other process closed its end.
        case endOfFile
        case failed(SystemError)
    }

    /// Reads what waits now of one record, up to `buffer.count` bytes, and its descriptors.
    /// - Parameter room: Room for `maximumDescriptorsPerMessage` descriptors.
    package static func receiveRecord(
        _ socket: FileDescriptor, into buffer: UnsafeMutableRawBufferPointer, descriptorRoom room: UnsafeMutablePointer<CInt>
    ) -> ReceivedRecord {
        while true {
            var count: CInt = 0
            var truncated: CInt = 0
            let result = cbridge_receive_with_descriptors(
                socket.rawValue, buffer.baseAddress, buffer.count, room, &count, &truncated, 0)
            let code = errno
            let descriptors = Array(UnsafeBufferPointer(start: room, count: Int(count)))
            if result > 0 { return .record(count: result, descriptors: descriptors, truncated: truncated != 0) }
            descriptors.forEach { _ = platformClose($0) }
            if result == 0 { return .endOfFile }
            switch code {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .nothing
            case ECONNRESET: return .endOfFile
            default: return .failed(SystemError("recvmsg(SCM_RIGHTS)", code: code))
            }
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
