/// How to start a bridge's host process.
public struct BridgeOptions: Sendable {
    /// The host's working directory; nil keeps the parent's.
    public var workingDirectory: String?
    /// The host's whole environment; nil inherits the parent's. A dictionary replaces the
    /// parent's environment rather than adding to it.
    public var environment: [String: String]?
    /// The user the host switches to before the real type is created, by name or numeric id;
    /// nil keeps the parent's.
    ///
    /// The host sets its supplementary groups (the user's, from the group database), then its
    /// group id, then its user id, checks that it cannot switch back to root, and only then
    /// creates the real type. Only a parent running as root can set this.
    public var user: String?
    /// The group the host switches to, by name or numeric id; nil uses the primary group of
    /// `user`. Setting it needs `user` as well: a host that stays root could switch back.
    public var group: String?
    /// A host executable to start instead of this binary: a path, or a bare name (no `/`) for
    /// a file next to the running executable, such as another product of the same package.
    public var executable: String?
    /// How long the host may take from being started to serving; then it is killed and
    /// `start` fails.
    public var startTimeout: Duration
    /// How long `stop()` waits for the stop hook and a graceful exit before it sends
    /// `SIGTERM`, and again before `SIGKILL`. A host that is stopped (`SIGSTOP`, a debugger)
    /// when the first wait is up gets `SIGKILL` at once: it could act on nothing else.
    public var stopTimeout: Duration
    /// Where the host's standard output and standard error go: the parent's (the default),
    /// nowhere, or to a handler in the parent, line by line.
    public var output: BridgeOutput
    /// The largest message, in bytes: a call's arguments, or its result. The default,
    /// ``defaultMaximumMessageSize``, lets 64 MiB of data through with room for the call
    /// around it; the most is 256 MiB.
    ///
    /// A message over the limit is refused, never half sent: a call whose arguments are too
    /// large fails with ``BridgeError/messageTooLarge(method:size:limit:)`` naming the method,
    /// and the bridge stays usable. A frame over the limit that arrives anyway ends the
    /// connection with the same error.
    public var maximumMessageSize: Int
    /// How long a call waits for its reply; nil (the default) waits as long as the host lives.
    ///
    /// A call out of time fails with ``BridgeError/timedOut(_:)`` naming the method, and the
    /// bridge stays usable. The host is told, and cancels the call's task as it does when the
    /// caller's task is cancelled: work that does not check for cancellation runs to its end. A limit
    /// costs each async call a timer task. It bounds a stream's elements too: a consumer that
    /// waited this long for the next element gets `.timedOut`, and the stream ends. A call that
    /// waits in a ``BridgePool`` for a host with room waits up to this long there first.
    public var callTimeout: Duration?
    /// Called with what the bridge does: host started, handshake completed, stopped, host
    /// exited. It runs on whichever thread or task the event happens on; keep it quick.
    public var events: (@Sendable (BridgeEvent) -> Void)?
    /// Resource limits the host runs under (address space, CPU time, descriptors, processes,
    /// file size, core files); the default sets none.
    public var limits: BridgeLimits
    /// The network the host sees: the parent's (the default), or ``BridgeNetworkAccess/none``,
    /// a loopback of its own and nothing else.
    public var network: BridgeNetworkAccess
    /// What the host may write: whatever its user may (the default), or
    /// ``BridgeFilesystemAccess/readOnly(writable:)``, nothing but the paths listed.
    public var filesystem: BridgeFilesystemAccess
    /// Sets `PR_SET_NO_NEW_PRIVS` in the host before its real type exists, so that nothing it
    /// executes gains privileges (set-user-id files, file capabilities). Always on when
    /// ``user`` is set. Linux only.
    public var noNewPrivileges: Bool
    /// What happens when the host ends in any way but `stop()`: the bridge ends with it
    /// (``BridgeRestartPolicy/never``, the default), or a fresh host replaces it
    /// (``BridgeRestartPolicy/onCrash(maximumRestarts:within:)``).
    public var restart: BridgeRestartPolicy
    /// How long the host may take to answer a ping on its side channel; nil (the default)
    /// sends no pings. A host that does not answer in time is killed (`SIGKILL`), which counts
    /// as a crash for ``restart``.
    ///
    /// The side channel is read by a thread of the host's own, so a host busy in a long call
    /// answers: only a host that cannot answer at all (stopped, frozen, its runtime
    /// deadlocked) is taken for hung. A ping goes out every `hangTimeout / 2`, at most every
    /// second. It costs a thread in the parent for each such bridge.
    public var hangTimeout: Duration?
    /// How many calls a host serves before a fresh one replaces it; nil (the default) keeps
    /// it for good. The old host gets no more calls, finishes the ones it runs, then stops
    /// gracefully (its stop hook runs); calls made meanwhile wait for the fresh host. A
    /// replacement is not a crash: it does not count against ``restart``.
    public var maximumCallsPerHost: Int?
    /// How many hosts a supervised bridge or pool keeps started ahead (default 0), so that a
    /// replacement takes one that already serves instead of waiting for a process to start.
    /// A spare has run `init()` and its start hook, and gets the `restarted` hook when it is
    /// taken; it costs a process (and a hang watch) while it waits.
    public var spareHosts: Int

    /// Whether frames go through shared memory (`SharedMemoryChannel`) where the system has it
    /// (Linux), the bridge's socket being their doorbell; false keeps them on the socket. For
    /// the benchmark and tests that compare the two.
    package var usesSharedMemory = true

    /// Whether calls that tasks make at once go out in batches that their sender reads
    /// (`CallCompany`); nil: only in a process on one CPU (`System.runsOnOneCPU`). For tests,
    /// which run on every CPU.
    package var batchesCalls: Bool?

    /// Creates options; every argument has a default.
    public init(
        workingDirectory: String? = nil,
        environment: [String: String]? = nil,
        user: String? = nil,
        group: String? = nil,
        executable: String? = nil,
        startTimeout: Duration = .seconds(30),
        stopTimeout: Duration = .seconds(5),
        output: BridgeOutput = .inherit,
        maximumMessageSize: Int = BridgeOptions.defaultMaximumMessageSize,
        callTimeout: Duration? = nil,
        events: (@Sendable (BridgeEvent) -> Void)? = nil,
        limits: BridgeLimits = BridgeLimits(),
        network: BridgeNetworkAccess = .inherit,
        filesystem: BridgeFilesystemAccess = .inherit,
        noNewPrivileges: Bool = false,
        restart: BridgeRestartPolicy = .never,
        hangTimeout: Duration? = nil,
        maximumCallsPerHost: Int? = nil,
        spareHosts: Int = 0
    ) {
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.user = user
        self.group = group
        self.executable = executable
        self.startTimeout = startTimeout
        self.stopTimeout = stopTimeout
        self.output = output
        self.maximumMessageSize = maximumMessageSize
        self.callTimeout = callTimeout
        self.events = events
        self.limits = limits
        self.network = network
        self.filesystem = filesystem
        self.noNewPrivileges = noNewPrivileges
        self.restart = restart
        self.hangTimeout = hangTimeout
        self.maximumCallsPerHost = maximumCallsPerHost
        self.spareHosts = spareHosts
    }

    /// 64 MiB and 64 KiB: 64 MiB of arguments or result, plus room for the method and the
    /// lengths around them.
    public static let defaultMaximumMessageSize = (64 << 20) + (64 << 10)
}

extension BridgeOptions {
    /// Fails early when `maximumMessageSize` is outside what a frame can carry.
    func checkMaximumMessageSize() throws(BridgeError) {
        let range = Frame.minimumPayloadLimit...Frame.maximumPayloadSize
        guard range.contains(maximumMessageSize) else {
            throw .startFailed("BridgeOptions.maximumMessageSize is \(maximumMessageSize) bytes; set it between \(range.lowerBound) and \(range.upperBound) bytes")
        }
    }

    /// The longest time limit honoured as given, about a century; a longer one means "no
    /// practical limit" and is cut to this, so that no clock or system call arithmetic on it
    /// can overflow.
    static let longestTimeout = Duration.seconds(100 * 365 * 86_400)

    /// The options with every time limit checked: a negative one fails early, naming it; one
    /// beyond `longestTimeout` (`.seconds(.max)`, say) is cut to it.
    func checkingTimeouts() throws(BridgeError) -> BridgeOptions {
        var checked = self
        func check(_ name: String, _ limit: Duration) throws(BridgeError) -> Duration {
            guard limit >= .zero else {
                throw .startFailed("BridgeOptions.\(name) is \(limit); a time limit cannot be negative (use .zero to allow no time at all)")
            }
            return min(limit, Self.longestTimeout)
        }
        checked.startTimeout = try check("startTimeout", startTimeout)
        checked.stopTimeout = try check("stopTimeout", stopTimeout)
        if let callTimeout { checked.callTimeout = try check("callTimeout", callTimeout) }
        if let hangTimeout {
            guard hangTimeout > .zero else {
                throw .startFailed("BridgeOptions.hangTimeout is \(hangTimeout); a host cannot answer a ping in no time (use nil for no pings)")
            }
            checked.hangTimeout = min(hangTimeout, Self.longestTimeout)
        }
        return checked
    }

    /// Fails early on a restart policy or a call count that cannot be honoured.
    func checkSupervision() throws(BridgeError) {
        try restart.check()
        if let maximumCallsPerHost, maximumCallsPerHost < 1 {
            throw .startFailed("BridgeOptions.maximumCallsPerHost is \(maximumCallsPerHost); a host must serve at least one call (use nil for no limit)")
        }
        guard spareHosts >= 0 else {
            throw .startFailed("BridgeOptions.spareHosts is \(spareHosts); it cannot be negative")
        }
        if spareHosts > 0 && restart == .never && maximumCallsPerHost == nil {
            throw .startFailed("BridgeOptions.spareHosts is \(spareHosts), but nothing replaces a host: set .restart or .maximumCallsPerHost too")
        }
    }

    /// The options checked, as every start needs them (and a `BridgeReserve` at its start).
    func checkedForStart() throws -> BridgeOptions {
        try Task.checkCancellation()
        try checkIdentitySwitch()
        try checkConfinement()
        try checkMaximumMessageSize()
        try checkSupervision()
        return try checkingTimeouts()
    }

    /// Whether the bridge watches its host (restarts, hang checks, replacement after a
    /// number of calls): then calls go through a `HostRelay`; else straight to the one host.
    var isSupervised: Bool {
        restart != .never || hangTimeout != nil || maximumCallsPerHost != nil
    }

    /// Fails early, in the parent, when `user` and `group` ask for a switch that cannot happen.
    func checkIdentitySwitch() throws(BridgeError) {
        guard user != nil || group != nil else { return }
        guard let user else {
            throw .startFailed("BridgeOptions.group '\(group ?? "")' is set without .user: a host that stays root could switch back to any group; set .user too")
        }
        let uid = System.effectiveUserID
        guard uid == 0 else {
            throw .startFailed("this process runs as uid \(uid), not root, so its host cannot switch to user '\(user)'; run the parent as root, or leave BridgeOptions.user and .group nil")
        }
    }
}
