#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CBridge

// Starting, signalling and reaping processes.

extension System {
    // MARK: Processes

    package static var currentProcessID: ProcessID { getpid() }
    package static var parentProcessID: ProcessID { getppid() }

    /// The path that starts this very binary again.
    package static func currentExecutablePath() -> String {
        #if os(Linux)
        // The kernel's link to the running image: it still works if the file was replaced.
        return "/proc/self/exe"
        #else
        var size: UInt32 = 0
        _ = _NSGetExecutablePath(nil, &size)
        var buffer = [CChar](repeating: 0, count: Int(size) + 1)
        _ = _NSGetExecutablePath(&buffer, &size)
        return String(cString: buffer)
        #endif
    }

    /// Where a started host's standard output or standard error goes.
    package enum SpawnedOutput: Sendable {
        case inherit
        case discard
        case descriptor(FileDescriptor)

        var rawValue: CInt {
            switch self {
            case .inherit: CBRIDGE_OUTPUT_INHERIT
            case .discard: CBRIDGE_OUTPUT_DISCARD
            case .descriptor(let descriptor): descriptor.rawValue
            }
        }
    }

    /// The running binary's file, with symbolic links resolved: for messages, and to find
    /// files next to it.
    package static func currentExecutableFile() -> String {
        #if os(Linux)
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return currentExecutablePath() }
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        #else
        return currentExecutablePath()
        #endif
    }

    /// Whether `path` is a file this process may execute.
    package static func isExecutableFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && access(path, X_OK) == 0
    }

    /// Starts `path` as a host whose bridge socket is `bridge`, whose side channel is `side`
    /// and whose descriptor channel is `descriptors` (none: the host gets an unusable one),
    /// with the shared memory file `sharedMemory` if any; see `cbridge_spawn`.
    package static func spawnHost(
        path: String, arguments: [String], environment: [String], bridge: FileDescriptor, side: FileDescriptor,
        descriptors: FileDescriptor? = nil, sharedMemory: FileDescriptor? = nil, output: SpawnedOutput = .inherit,
        error: SpawnedOutput = .inherit
    ) throws(SystemError) -> ProcessID {
        var pid: ProcessID = 0
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        let result = cbridge_spawn(
            &pid, path, argv, envp, bridge.rawValue, side.rawValue, descriptors?.rawValue ?? side.rawValue, sharedMemory?.rawValue ?? -1,
            output.rawValue,
            error.rawValue)
        guard result == 0 else { throw SystemError("posix_spawn of \(path)", code: result) }
        return pid
    }

    /// Reaps `pid` if it has exited; with `block`, waits until it does.
    package static func reap(_ pid: ProcessID, block: Bool) -> HostTermination? {
        var status: CInt = 0
        switch valueOrErrno(retryingOnInterrupt: { waitpid(pid, &status, block ? 0 : WNOHANG) }) {
        case .success(0): return nil
        case .success: return HostTermination(waitStatus: status)
        // ECHILD: reaped elsewhere, or never ours. Nothing more can be learnt.
        case .failure: return .unknown
        }
    }

    package static func signal(_ pid: ProcessID, _ signal: CInt) {
        _ = kill(pid, signal)
    }

    /// A process's state letter (`R`, `S`, `T` for stopped, `Z`, ...) and its parent, from
    /// `/proc/<pid>/stat`; nil where there is no `/proc`, or the process is gone.
    package static func processStateAndParent(_ pid: ProcessID) -> (state: Character, parent: ProcessID)? {
        guard let stat = readSmallFile("/proc/\(pid)/stat") else { return nil }
        // The command name, in parentheses, may contain spaces and parentheses: the fields
        // start after the last ')'.
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 1, let state = fields[0].first, let parent = ProcessID(fields[1]) else { return nil }
        return (state, parent)
    }

    /// Whether `pid` is stopped by a signal (`SIGSTOP`, `SIGTSTP`) or a debugger: it runs no
    /// code, so it can neither exit nor act on `SIGTERM` until it is continued.
    package static func isStopped(_ pid: ProcessID) -> Bool {
        guard let state = processStateAndParent(pid)?.state else { return false }
        return state == "T" || state == "t"
    }

    package static let terminateSignal = SIGTERM
    package static let killSignal = SIGKILL

    package static func signalName(_ number: CInt) -> String {
        let names: [CInt: String] = [
            SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGTRAP: "SIGTRAP",
            SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGSEGV: "SIGSEGV",
            SIGPIPE: "SIGPIPE", SIGALRM: "SIGALRM", SIGTERM: "SIGTERM", SIGUSR1: "SIGUSR1", SIGUSR2: "SIGUSR2",
            SIGXCPU: "SIGXCPU", SIGXFSZ: "SIGXFSZ", SIGSYS: "SIGSYS", SIGVTALRM: "SIGVTALRM", SIGPROF: "SIGPROF",
        ]
        return names[number] ?? "signal \(number)"
    }

    /// Asks for SIGKILL when the thread that started this process ends (Linux only).
    ///
    /// The request belongs to the calling thread, and lasts only as long as it: make it from a
    /// thread that lives as long as the process. A change of user or group clears it on every
    /// thread.
    package static func dieWithParent() throws(SystemError) {
        guard cbridge_set_parent_death_signal(SIGKILL) == 0 else { throw SystemError("prctl(PR_SET_PDEATHSIG)", code: errno) }
    }

    /// The signal the calling thread asked `dieWithParent` for: SIGKILL, or 0 for none.
    package static var parentDeathSignal: Int32 { cbridge_parent_death_signal() }
}

extension HostTermination {
    init(waitStatus status: CInt) {
        // The W* macros are not imported into Swift; these are their definitions, the same on
        // Linux and Darwin.
        let signal = status & 0x7f
        if signal == 0 {
            self = .exited((status >> 8) & 0xff)
        } else {
            self = .signaled(signal)
        }
    }
}

extension SystemError {
    /// What ran out, and what to do, when the call failed for want of a resource: descriptors
    /// (`EMFILE`, `ENFILE`), processes (`EAGAIN` from a spawn) or memory; nil otherwise.
    package var exhaustedResource: String? {
        switch code {
        case EMFILE, ENFILE:
            "this process is out of file descriptors (a running bridge holds four): raise RLIMIT_NOFILE (ulimit -n), or stop bridges it no longer uses"
        case EAGAIN:
            "the system refused another process (RLIMIT_NPROC, or its limit on processes): stop bridges no longer used, or raise the limit"
        case ENOMEM:
            "the system is out of memory"
        default:
            nil
        }
    }
}
