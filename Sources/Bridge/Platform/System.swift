// Every system call the package makes goes through `System`, in this folder: the one place
// that knows which platform it is on. One file per area (System+Descriptors, +WakeUps,
// +Processes, +Identity, +Threads, +Environment, +Limits, +Isolation); this one has what they
// share.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#else
#error("swift-process-bridge supports Linux (Glibc) and Darwin")
#endif
import CBridge

package typealias ProcessID = pid_t
package typealias UserID = uid_t
package typealias GroupID = gid_t

/// The system calls the bridge needs, each retried on `EINTR` and failing with `SystemError`.
package enum System {
    package static let hostVariable = CBRIDGE_HOST_VARIABLE
    package static let hostDescriptor = FileDescriptor(rawValue: CBRIDGE_HOST_DESCRIPTOR)
    package static let sideDescriptor = FileDescriptor(rawValue: CBRIDGE_SIDE_DESCRIPTOR)
    package static let descriptorChannelDescriptor = FileDescriptor(rawValue: CBRIDGE_DESCRIPTOR_CHANNEL_DESCRIPTOR)
    package static let sharedMemoryDescriptor = FileDescriptor(rawValue: CBRIDGE_SHARED_MEMORY_DESCRIPTOR)
    /// The host variable's last part when the host gets shared memory.
    package static let sharedMemoryMarker = "shared-memory"
    /// `ENOTSUP`: what a descriptor sent where no descriptor channel exists fails with.
    package static let notSupported = ENOTSUP

    package static func errorText(_ code: CInt) -> String { String(cString: strerror(code)) }

    /// The name of an `errno` value, such as `EPERM`, for the values a confined host's set-up
    /// meets and those a descriptor or a socket fails with; the number for others.
    package static func errorName(_ code: CInt) -> String {
        let names: [CInt: String] = [
            EPERM: "EPERM", ENOENT: "ENOENT", EINTR: "EINTR", EIO: "EIO", ENOMEM: "ENOMEM", EACCES: "EACCES",
            EBUSY: "EBUSY", EEXIST: "EEXIST", ENOTDIR: "ENOTDIR", EINVAL: "EINVAL", ENFILE: "ENFILE",
            EMFILE: "EMFILE", ENOSPC: "ENOSPC", EROFS: "EROFS", ENOSYS: "ENOSYS", ELOOP: "ELOOP",
            ENAMETOOLONG: "ENAMETOOLONG", EAGAIN: "EAGAIN", EUSERS: "EUSERS", ENODEV: "ENODEV",
            ESRCH: "ESRCH", EBADF: "EBADF", ECHILD: "ECHILD", EFAULT: "EFAULT", EPIPE: "EPIPE",
            ENOTSOCK: "ENOTSOCK", ENOTCONN: "ENOTCONN", ECONNRESET: "ECONNRESET", ENOBUFS: "ENOBUFS",
            EOPNOTSUPP: "EOPNOTSUPP", ETIMEDOUT: "ETIMEDOUT", ETOOMANYREFS: "ETOOMANYREFS", EMSGSIZE: "EMSGSIZE",
        ]
        return names[code] ?? "errno \(code)"
    }

    /// Makes a system call again while it fails with `EINTR` (a signal came in), the one
    /// loop every call here uses for that.
    /// - Parameter body: Returns the call's result, negative on failure with `errno` set.
    /// - Returns: The result, or the `errno` the call failed with otherwise.
    @inline(__always)
    static func valueOrErrno<Value: SignedInteger>(retryingOnInterrupt body: () -> Value) -> Result<Value, Errno> {
        while true {
            let value = body()
            if value >= 0 { return .success(value) }
            let code = errno
            if code != EINTR { return .failure(Errno(code: code)) }
        }
    }

    /// Makes a system call again while it fails with `EINTR`.
    /// - Parameters:
    ///   - call: Names the call in the error.
    ///   - body: Returns the call's result, negative on failure with `errno` set.
    /// - Throws: `SystemError` naming `call` and the `errno` it failed with.
    @inline(__always)
    static func retryingOnInterrupt<Value: SignedInteger>(_ call: @autoclosure () -> String, _ body: () -> Value) throws(SystemError) -> Value {
        switch valueOrErrno(retryingOnInterrupt: body) {
        case .success(let value): return value
        case .failure(let error): throw SystemError(call(), code: error.code)
        }
    }

    /// An `errno` value a system call failed with.
    struct Errno: Error, Equatable {
        var code: CInt
    }
}


#if canImport(Glibc)
let platformClose = Glibc.close
let platformRead = Glibc.read
let platformWrite = Glibc.write
let platformPoll = Glibc.poll
let platformExit = Glibc.exit
#else
let platformClose = Darwin.close
let platformRead = Darwin.read
let platformWrite = Darwin.write
let platformPoll = Darwin.poll
let platformExit = Darwin.exit
#endif
