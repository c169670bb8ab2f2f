/// How a host process ended.
public enum HostTermination: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The host called `exit` (or returned from `main`) with this status.
    case exited(Int32)
    /// The host was ended by this signal.
    case signaled(Int32)
    /// The host is gone but its status could not be read (it was reaped elsewhere).
    case unknown

    /// How the host ended, as the end of a sentence: "exited with status 3".
    public var description: String {
        switch self {
        case .exited(let status): "exited with status \(status)"
        case .signaled(let signal): "was killed by \(System.signalName(signal))"
        case .unknown: "ended (its status could not be read)"
        }
    }
}
