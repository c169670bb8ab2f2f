#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Resource limits (setrlimit, getrlimit).

extension System {
    // MARK: Resource limits

    /// A resource `setrlimit` limits.
    package enum Resource: CaseIterable, Sendable {
        case addressSpace, cpuTime, openFiles, processes, fileSize, coreSize

        /// The resource's name in C, for messages: `RLIMIT_AS`.
        package var name: String {
            switch self {
            case .addressSpace: "RLIMIT_AS"
            case .cpuTime: "RLIMIT_CPU"
            case .openFiles: "RLIMIT_NOFILE"
            case .processes: "RLIMIT_NPROC"
            case .fileSize: "RLIMIT_FSIZE"
            case .coreSize: "RLIMIT_CORE"
            }
        }

        #if canImport(Glibc)
        fileprivate var rawValue: __rlimit_resource_t {
            let resource =
                switch self {
                case .addressSpace: RLIMIT_AS
                case .cpuTime: RLIMIT_CPU
                case .openFiles: RLIMIT_NOFILE
                case .processes: __RLIMIT_NPROC  // glibc names it so; RLIMIT_NPROC is a macro
                case .fileSize: RLIMIT_FSIZE
                case .coreSize: RLIMIT_CORE
                }
            return __rlimit_resource_t(resource.rawValue)
        }
        #else
        fileprivate var rawValue: CInt {
            switch self {
            case .addressSpace: RLIMIT_AS
            case .cpuTime: RLIMIT_CPU
            case .openFiles: RLIMIT_NOFILE
            case .processes: RLIMIT_NPROC
            case .fileSize: RLIMIT_FSIZE
            case .coreSize: RLIMIT_CORE
            }
        }
        #endif
    }

    /// A soft and a hard limit; nil is no limit (`RLIM_INFINITY`).
    package struct LimitPair: Equatable, Sendable, CustomStringConvertible {
        package var soft: UInt64?
        package var hard: UInt64?

        package init(soft: UInt64?, hard: UInt64?) {
            self.soft = soft
            self.hard = hard
        }

        package var description: String {
            func text(_ value: UInt64?) -> String { value.map(String.init) ?? "unlimited" }
            return "soft \(text(soft)), hard \(text(hard))"
        }
    }

    /// `RLIM_INFINITY`: all ones on Linux; 2⁶³ − 1 on Darwin.
    #if canImport(Glibc)
    private static let unlimited = rlim_t.max
    #else
    private static let unlimited = RLIM_INFINITY
    #endif

    /// This process's limit on `resource`.
    package static func limit(_ resource: Resource) throws(SystemError) -> LimitPair {
        var value = rlimit()
        _ = try retryingOnInterrupt("getrlimit(\(resource.name))") { getrlimit(resource.rawValue, &value) }
        func finite(_ raw: rlim_t) -> UInt64? { raw == unlimited ? nil : UInt64(raw) }
        return LimitPair(soft: finite(value.rlim_cur), hard: finite(value.rlim_max))
    }

    /// Sets this process's limit on `resource`, for every thread.
    package static func setLimit(_ resource: Resource, to limit: LimitPair) throws(SystemError) {
        func raw(_ value: UInt64?) -> rlim_t { value.map { min(rlim_t(clamping: $0), unlimited) } ?? unlimited }
        var value = rlimit(rlim_cur: raw(limit.soft), rlim_max: raw(limit.hard))
        _ = try retryingOnInterrupt("setrlimit(\(resource.name), \(limit))") { setrlimit(resource.rawValue, &value) }
    }

    /// Unblocks `SIGXFSZ` on the calling thread, so that writing past `RLIMIT_FSIZE` there ends
    /// the process rather than failing with `EFBIG` alone.
    ///
    /// The kernel sends the signal to the thread that wrote, and libdispatch's worker threads
    /// (the concurrency pool's) start with it blocked; a thread keeps the mask it is given. A
    /// signal already pending on the thread arrives now.
    package static func letFileSizeSignalThrough() {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGXFSZ)
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
    }
}
