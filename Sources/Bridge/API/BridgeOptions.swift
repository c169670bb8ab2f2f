/// How to start a bridge's host process.
public struct BridgeOptions: Sendable {
    /// The host's working directory; nil keeps the parent's.
    public var workingDirectory: String?
    /// The host's whole environment; nil inherits the parent's. A dictionary replaces the
    /// parent's environment rather than adding to it.
    public var environment: [String: String]?
    /// The user to switch to in the host, by name or numeric id.
    public var user: String?
    /// The group to switch to in the host, by name or numeric id.
    public var group: String?
    /// A host executable to start instead of this binary.
    public var executable: String?
    /// How long the host may take from being started to serving; then it is killed and
    /// `start` fails.
    public var startTimeout: Duration
    /// How long `stop()` waits for the stop hook and a graceful exit before it sends
    /// `SIGTERM`, and again before `SIGKILL`.
    public var stopTimeout: Duration

    /// Creates options; every argument has a default.
    public init(
        workingDirectory: String? = nil,
        environment: [String: String]? = nil,
        user: String? = nil,
        group: String? = nil,
        executable: String? = nil,
        startTimeout: Duration = .seconds(30),
        stopTimeout: Duration = .seconds(5)
    ) {
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.user = user
        self.group = group
        self.executable = executable
        self.startTimeout = startTimeout
        self.stopTimeout = stopTimeout
    }
}
