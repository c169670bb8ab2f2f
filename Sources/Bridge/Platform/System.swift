// Every system call the package makes goes through this file: the one place that knows which
// platform it is on.
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

    package static func errorText(_ code: CInt) -> String { String(cString: strerror(code)) }

    // MARK: Descriptors

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
        while true {
            #if canImport(Glibc)
            let count = poll(&entries, nfds_t(entries.count), -1)
            #else
            let count = Darwin.poll(&entries, nfds_t(entries.count), -1)
            #endif
            if count >= 0 { return entries.map { $0.revents != 0 } }
            if errno != EINTR { throw SystemError("poll", code: errno) }
        }
    }

    /// Makes this process's standard output flush at each newline, as it does on a terminal.
    package static func lineBufferStandardOutput() {
        cbridge_line_buffer_stdout()
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
        while true {
            let count = platformRead(descriptor.rawValue, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno != EINTR { throw SystemError("read", code: errno) }
        }
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
            let count = write(descriptor.rawValue, bytes.baseAddress! + offset, bytes.count - offset)
            if count >= 0 {
                offset += count
            } else if errno != EINTR {
                throw SystemError(call, code: errno)
            }
        }
    }

    /// What a read from a socket got.
    package enum Received {
        case bytes(Int)
        /// The peer closed its end, or the connection broke.
        case endOfFile
        /// The socket's receive timeout ran out.
        case timedOut
    }

    /// Reads at most `buffer.count` bytes from a socket, waiting for them up to the socket's
    /// receive timeout.
    package static func receive(_ socket: FileDescriptor, into buffer: UnsafeMutableRawBufferPointer) -> Received {
        while true {
            let count = recv(socket.rawValue, buffer.baseAddress, buffer.count, 0)
            if count > 0 { return .bytes(count) }
            if count == 0 { return .endOfFile }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .timedOut
            default: return .endOfFile
            }
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

    /// Sends what the socket takes now of `bytes`, without waiting for room.
    package static func sendWithoutWaiting(_ socket: FileDescriptor, _ bytes: UnsafeRawBufferPointer) -> Sent {
        while true {
            #if canImport(Glibc)
            let count = Glibc.send(socket.rawValue, bytes.baseAddress, bytes.count, CInt(MSG_NOSIGNAL) | CInt(MSG_DONTWAIT))
            #else
            let count = Darwin.send(socket.rawValue, bytes.baseAddress, bytes.count, MSG_DONTWAIT)
            #endif
            if count >= 0 { return .bytes(count) }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: return .failed
            }
        }
    }

    /// Waits until `socket` has bytes to read or room to write.
    /// - Returns: Whether it has bytes to read (or reached its end).
    package static func waitUntilReadableOrWritable(_ socket: FileDescriptor) -> Bool {
        var entry = pollfd(fd: socket.rawValue, events: Int16(POLLIN | POLLOUT), revents: 0)
        while platformPoll(&entry, 1, -1) < 0 && errno == EINTR {}
        return entry.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0
    }

    /// What shows a sleeping thread that the other end of a connection is gone.
    package enum PeerEnd: Sendable {
        /// The peer process ended: the descriptor from `processExitDescriptor` turns readable.
        case exit(FileDescriptor)
        /// The peer closed its end of this socket. Waiting for it puts the thread on the
        /// socket's wait queue, which every arriving message then pays for.
        case closing(FileDescriptor)
    }

    /// Waits until `wakeUp` is signalled or, if `peerEnd` is given, the peer is gone. Data
    /// arriving on the connection does not end the wait.
    /// - Returns: Whether the peer is gone (or its socket failed).
    package static func wait(for wakeUp: WakeUpSignal, orPeerEnd peerEnd: PeerEnd?) -> Bool {
        var entries = [pollfd(fd: wakeUp.waitingEnd.rawValue, events: Int16(POLLIN), revents: 0)]
        switch peerEnd {
        case .exit(let descriptor)?: entries.append(pollfd(fd: descriptor.rawValue, events: Int16(POLLIN), revents: 0))
        case .closing(let socket)?: entries.append(pollfd(fd: socket.rawValue, events: cbridge_poll_peer_closed(), revents: 0))
        case nil: break
        }
        while true {
            let ready = platformPoll(&entries, nfds_t(entries.count), -1)
            if ready >= 0 { break }
            if errno != EINTR { return true }
        }
        if entries[0].revents != 0 {
            var drained: UInt64 = 0
            _ = platformRead(wakeUp.waitingEnd.rawValue, &drained, MemoryLayout<UInt64>.size)
        }
        return entries.count > 1 && entries[1].revents != 0
    }

    /// A descriptor that turns readable once `process`, a child not yet reaped, has ended; nil
    /// where the system has none (Linux before 5.3, Darwin).
    package static func processExitDescriptor(_ process: ProcessID) -> FileDescriptor? {
        let descriptor = cbridge_process_exit_descriptor(process)
        return descriptor >= 0 ? FileDescriptor(rawValue: descriptor) : nil
    }

    /// A new signal one thread sends and another waits for with `wait(for:orPeerEnd:)`.
    package static func makeWakeUpSignal() throws(SystemError) -> WakeUpSignal {
        #if canImport(Glibc)
        let descriptor = cbridge_eventfd()
        guard descriptor >= 0 else { throw SystemError("eventfd", code: errno) }
        return WakeUpSignal(waitingEnd: FileDescriptor(rawValue: descriptor), signallingEnd: FileDescriptor(rawValue: descriptor))
        #else
        let (waiting, signalling) = try socketPair()
        _ = fcntl(waiting.rawValue, F_SETFL, O_NONBLOCK)
        _ = fcntl(signalling.rawValue, F_SETFL, O_NONBLOCK)
        return WakeUpSignal(waitingEnd: waiting, signallingEnd: signalling)
        #endif
    }

    /// Ends the current or next `wait(for:orPeerEnd:)` on `wakeUp`.
    package static func signal(_ wakeUp: WakeUpSignal) {
        var one: UInt64 = 1
        _ = platformWrite(wakeUp.signallingEnd.rawValue, &one, MemoryLayout<UInt64>.size)
    }

    package static func close(_ wakeUp: WakeUpSignal) {
        close(wakeUp.waitingEnd)
        if wakeUp.signallingEnd != wakeUp.waitingEnd { close(wakeUp.signallingEnd) }
    }

    /// Stops further sends and receives, which wakes a thread blocked in `read` on it.
    package static func shutdown(_ descriptor: FileDescriptor) {
        #if canImport(Glibc)
        _ = Glibc.shutdown(descriptor.rawValue, CInt(SHUT_RDWR))
        #else
        _ = Darwin.shutdown(descriptor.rawValue, SHUT_RDWR)
        #endif
    }

    // MARK: Locks

    /// A platform mutex, for `Locked`.
    package typealias PlatformLock = UnsafeMutablePointer<pthread_mutex_t>

    package static func makeLock() -> PlatformLock {
        let lock = PlatformLock.allocate(capacity: 1)
        lock.initialize(to: pthread_mutex_t())
        pthread_mutex_init(lock, nil)
        return lock
    }

    package static func lock(_ lock: PlatformLock) { pthread_mutex_lock(lock) }
    package static func unlock(_ lock: PlatformLock) { pthread_mutex_unlock(lock) }

    package static func destroy(_ lock: PlatformLock) {
        pthread_mutex_destroy(lock)
        lock.deinitialize(count: 1)
        lock.deallocate()
    }

    // MARK: Per-thread values

    /// One value per thread, from a thread's first use until it exits.
    package final class ThreadLocal<Value>: @unchecked Sendable {  // each thread sees its own
        private final class Box {
            // Unchecked for exclusivity (SE-0176): only its own thread ever reaches a box.
            @exclusivity(unchecked) var value: Value
            init(_ value: Value) { self.value = value }
        }

        private let key: pthread_key_t
        private let initial: @Sendable () -> Value

        /// - Parameter initial: Makes a thread's value on its first use.
        package init(initial: @escaping @Sendable () -> Value) {
            var key = pthread_key_t()
            // The box is released when its thread exits.
            #if canImport(Glibc)
            let created = pthread_key_create(&key) { box in
                if let box { Unmanaged<AnyObject>.fromOpaque(box).release() }
            }
            #elseif canImport(Darwin)
            let created = pthread_key_create(&key) { box in Unmanaged<AnyObject>.fromOpaque(box).release() }
            #endif
            precondition(created == 0, "pthread_key_create failed: \(created)")
            self.key = key
            self.initial = initial
        }

        /// Runs `body` with the calling thread's value.
        package func withValue<Result>(_ body: (inout Value) -> Result) -> Result {
            let box: Unmanaged<Box>
            if let existing = pthread_getspecific(key) {
                box = Unmanaged<Box>.fromOpaque(existing)
            } else {
                box = Unmanaged.passRetained(Box(initial()))
                pthread_setspecific(key, box.toOpaque())
            }
            return box._withUnsafeGuaranteedRef { body(&$0.value) }
        }
    }

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

    /// Starts `path` as a host whose bridge socket is `bridge` and whose side channel is
    /// `side`; see `cbridge_spawn`.
    package static func spawnHost(
        path: String, arguments: [String], environment: [String], bridge: FileDescriptor, side: FileDescriptor,
        output: SpawnedOutput = .inherit, error: SpawnedOutput = .inherit
    ) throws(SystemError) -> ProcessID {
        var pid: ProcessID = 0
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        let result = cbridge_spawn(&pid, path, argv, envp, bridge.rawValue, side.rawValue, output.rawValue, error.rawValue)
        guard result == 0 else { throw SystemError("posix_spawn of \(path)", code: result) }
        return pid
    }

    /// Reaps `pid` if it has exited; with `block`, waits until it does.
    package static func reap(_ pid: ProcessID, block: Bool) -> HostTermination? {
        var status: CInt = 0
        while true {
            let result = waitpid(pid, &status, block ? 0 : WNOHANG)
            if result == pid { return HostTermination(waitStatus: status) }
            if result == 0 { return nil }
            if errno == EINTR { continue }
            // ECHILD: reaped elsewhere, or never ours. Nothing more can be learnt.
            return .unknown
        }
    }

    package static func signal(_ pid: ProcessID, _ signal: CInt) {
        _ = kill(pid, signal)
    }

    package static let terminateSignal = SIGTERM
    package static let killSignal = SIGKILL

    package static func signalName(_ number: CInt) -> String {
        let names: [CInt: String] = [
            SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGTRAP: "SIGTRAP",
            SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGSEGV: "SIGSEGV",
            SIGPIPE: "SIGPIPE", SIGALRM: "SIGALRM", SIGTERM: "SIGTERM", SIGUSR1: "SIGUSR1", SIGUSR2: "SIGUSR2",
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

    // MARK: Users and groups

    package static var userID: UserID { getuid() }
    package static var effectiveUserID: UserID { geteuid() }
    package static var groupID: GroupID { getgid() }
    package static var effectiveGroupID: GroupID { getegid() }

    /// A user as the user database (`/etc/passwd`, NSS) describes it.
    package struct UserEntry: Sendable, Equatable {
        package var name: String
        package var id: UserID
        /// The user's primary group.
        package var groupID: GroupID
    }

    /// The user called `name`, or nil if the user database has none.
    package static func user(named name: String) throws(SystemError) -> UserEntry? {
        try lookUpUser("getpwnam_r(\(name))") { entry, buffer, count, result in
            getpwnam_r(name, entry, buffer, count, result)
        }
    }

    /// The user whose id is `id`, or nil if the user database has none.
    package static func user(id: UserID) throws(SystemError) -> UserEntry? {
        try lookUpUser("getpwuid_r(\(id))") { entry, buffer, count, result in
            getpwuid_r(id, entry, buffer, count, result)
        }
    }

    private static func lookUpUser(
        _ call: String,
        _ lookUp: (UnsafeMutablePointer<passwd>, UnsafeMutablePointer<CChar>, Int, UnsafeMutablePointer<UnsafeMutablePointer<passwd>?>) -> CInt
    ) throws(SystemError) -> UserEntry? {
        var entry = passwd()
        var size = 1024
        while true {
            var buffer = [CChar](repeating: 0, count: size)
            var result: UnsafeMutablePointer<passwd>?
            let code = buffer.withUnsafeMutableBufferPointer { lookUp(&entry, $0.baseAddress!, size, &result) }
            if code == ERANGE, size < 1 << 20 {
                size *= 4
                continue
            }
            if code == EINTR { continue }
            // Not found is a zero return with no result (some systems say ENOENT or ESRCH).
            guard code == 0 || code == ENOENT || code == ESRCH else { throw SystemError(call, code: code) }
            guard let found = result else { return nil }
            return UserEntry(name: String(cString: found.pointee.pw_name), id: found.pointee.pw_uid, groupID: found.pointee.pw_gid)
        }
    }

    /// The id of the group called `name`, or nil if the group database has none.
    package static func groupID(named name: String) throws(SystemError) -> GroupID? {
        var entry = group()
        var size = 1024
        while true {
            var buffer = [CChar](repeating: 0, count: size)
            var result: UnsafeMutablePointer<group>?
            let code = buffer.withUnsafeMutableBufferPointer { getgrnam_r(name, &entry, $0.baseAddress!, size, &result) }
            if code == ERANGE, size < 1 << 20 {
                size *= 4
                continue
            }
            if code == EINTR { continue }
            guard code == 0 || code == ENOENT || code == ESRCH else { throw SystemError("getgrnam_r(\(name))", code: code) }
            return result?.pointee.gr_gid
        }
    }

    /// The supplementary groups of this process.
    package static func supplementaryGroups() -> [GroupID] {
        let count = getgroups(0, nil)
        guard count > 0 else { return [] }
        var groups = [GroupID](repeating: 0, count: Int(count))
        let filled = getgroups(count, &groups)
        return Array(groups.prefix(Int(max(filled, 0))))
    }

    /// Sets the supplementary groups to `user`'s groups in the group database, plus `group`.
    package static func initializeGroups(user: String, group: GroupID) throws(SystemError) {
        #if canImport(Glibc)
        let result = initgroups(user, group)
        #else
        let result = initgroups(user, Int32(bitPattern: group))
        #endif
        guard result == 0 else { throw SystemError("initgroups(\(user), \(group))", code: errno) }
    }

    /// Sets the supplementary groups to exactly `groups`.
    package static func setSupplementaryGroups(_ groups: [GroupID]) throws(SystemError) {
        #if canImport(Glibc)
        let result = setgroups(groups.count, groups)
        #else
        let result = setgroups(Int32(groups.count), groups)
        #endif
        guard result == 0 else { throw SystemError("setgroups(\(groups))", code: errno) }
    }

    /// Sets the real, effective and saved group ids.
    package static func setGroupID(_ id: GroupID) throws(SystemError) {
        guard setgid(id) == 0 else { throw SystemError("setgid(\(id))", code: errno) }
    }

    /// Sets the real, effective and saved user ids.
    package static func setUserID(_ id: UserID) throws(SystemError) {
        guard setuid(id) == 0 else { throw SystemError("setuid(\(id))", code: errno) }
    }

    // MARK: Environment and directory

    /// The environment as `NAME=value` strings.
    package static func environment() -> [String] {
        var result: [String] = []
        guard var entry = cbridge_environment() else { return result }
        while let pointer = entry.pointee {
            result.append(String(cString: pointer))
            entry += 1
        }
        return result
    }

    package static func environmentValue(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    package static func removeEnvironmentValue(_ name: String) {
        unsetenv(name)
    }

    package static func changeDirectory(_ path: String) throws(SystemError) {
        guard chdir(path) == 0 else { throw SystemError("chdir to \(path)", code: errno) }
    }

    package static func exit(_ code: CInt) -> Never {
        platformExit(code)
    }

    // MARK: Census

    /// The names in a directory, without `.` and `..`; nil if it cannot be read (no `/proc`).
    package static func directoryEntries(_ path: String) -> [String]? {
        guard let directory = opendir(path) else { return nil }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// A small file's text, such as one under `/proc`, whose size `stat` does not tell; nil if
    /// it cannot be read.
    package static func readSmallFile(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { _ = platformClose(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { platformRead(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                bytes += chunk.prefix(count)
            } else if count == 0 || errno != EINTR {
                return count == 0 ? String(decoding: bytes, as: UTF8.self) : nil
            }
        }
    }
}

#if canImport(Glibc)
private let platformClose = Glibc.close
private let platformRead = Glibc.read
private let platformWrite = Glibc.write
private let platformPoll = Glibc.poll
private let platformExit = Glibc.exit
#else
private let platformClose = Darwin.close
private let platformRead = Darwin.read
private let platformWrite = Darwin.write
private let platformPoll = Darwin.poll
private let platformExit = Darwin.exit
#endif

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
