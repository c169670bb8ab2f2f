/// Resource limits a host runs under, set (`setrlimit`, soft and hard) before its real type
/// exists. A nil limit is inherited from the parent.
///
/// ```swift
/// let options = BridgeOptions(user: "nobody", limits: .init(addressSpace: 1 << 30, cpuTime: .seconds(10), fileSize: 0))
/// ```
///
/// A host that outruns a limit says so: `cpuTime` ends it with `SIGXCPU` and `fileSize` with
/// `SIGXFSZ` (``BridgeError/termination`` and the error's message name them), and an
/// allocation past `addressSpace` ends it in the runtime's allocation failure, which the
/// message of any crash under that limit tells how to recognize. A host that stays root may raise its limits again; with
/// ``BridgeOptions/user`` they hold.
public struct BridgeLimits: Sendable, Hashable, Codable {
    /// The most address space the host may map, in bytes (`RLIMIT_AS`). The host's runtime and
    /// threads take some of it (a Swift host maps a few hundred MiB of it at start).
    public var addressSpace: Int?
    /// The most CPU time the host may use, its start included (`RLIMIT_CPU`), rounded up to
    /// whole seconds. At the limit the host gets `SIGXCPU`, which ends it; a host that catches
    /// it is killed a second later.
    public var cpuTime: Duration?
    /// The most descriptors the host may have open (`RLIMIT_NOFILE`); the host's own bridge
    /// takes about eight.
    public var openFiles: Int?
    /// The most processes and threads the host's user may have (`RLIMIT_NPROC`), counting
    /// every process of that user on the system and each of their threads. Not enforced for
    /// root.
    public var processes: Int?
    /// The largest file the host may write, in bytes (`RLIMIT_FSIZE`); on Linux a write that
    /// crosses it is cut short at it, and the next ends the host with `SIGXFSZ` (or fails with
    /// `EFBIG` on a thread that blocks the signal: see the README's limits).
    ///
    /// With ``BridgeOutput/inherit``, a standard output or error of the parent's that is a
    /// regular file (`2>log`) reaches the host through a pipe, and the parent copies it to the
    /// file: the host's log lines do not count against the limit.
    public var fileSize: Int?
    /// Whether a crashing host may write a core file: false sets `RLIMIT_CORE` to 0, true
    /// raises it to its hard limit, nil inherits it.
    public var coreDumps: Bool?

    /// Makes limits; each nil one is inherited from the parent.
    public init(
        addressSpace: Int? = nil, cpuTime: Duration? = nil, openFiles: Int? = nil,
        processes: Int? = nil, fileSize: Int? = nil, coreDumps: Bool? = nil
    ) {
        self.addressSpace = addressSpace
        self.cpuTime = cpuTime
        self.openFiles = openFiles
        self.processes = processes
        self.fileSize = fileSize
        self.coreDumps = coreDumps
    }
}
