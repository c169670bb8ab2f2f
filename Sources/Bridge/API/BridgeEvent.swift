/// Something a bridge did, for logs and metrics: see `BridgeOptions.events`.
///
/// ```swift
/// let options = BridgeOptions(events: { event in print("bridge: \(event)") })
/// ```
public enum BridgeEvent: Sendable, Hashable, CustomStringConvertible {
    /// A host process was started from `executable`.
    case spawned(processID: Int32, executable: String)
    /// The host answered the handshake and serves: `duration` since `start` began.
    case handshakeCompleted(processID: Int32, duration: Duration)
    /// A call returned, threw, failed or was cancelled after `duration`, as its caller saw it.
    case call(method: String, duration: Duration, outcome: BridgeCallOutcome)
    /// `stop()` finished: the host ended this way and was reaped.
    case stopped(processID: Int32, termination: HostTermination)
    /// The host process ended and was reaped, for whatever reason: a stop, a crash, a signal,
    /// a release of the bridge.
    case hostExited(processID: Int32, termination: HostTermination)
    /// A host that ended this way (a crash, a signal, a hang past `hangTimeout`) was replaced
    /// (`BridgeOptions.restart`): the fresh host `processID` ran its start hook and the
    /// parent's `restarted` hook, and serves.
    case restarted(previousProcessID: Int32, processID: Int32, termination: HostTermination)

    /// The event in a sentence, for logs.
    public var description: String {
        switch self {
        case .spawned(let pid, let executable): "host \(pid) started from \(executable)"
        case .handshakeCompleted(let pid, let duration): "host \(pid) serves, \(duration) after start"
        case .call(let method, let duration, let outcome): "call \(method) \(outcome) after \(duration)"
        case .stopped(let pid, let termination): "host \(pid) stopped: it \(termination)"
        case .hostExited(let pid, let termination): "host \(pid) \(termination)"
        case .restarted(let previous, let pid, let termination): "host \(previous) \(termination); host \(pid) replaced it"
        }
    }
}

/// How a bridged call ended.
public enum BridgeCallOutcome: Sendable, Hashable, CustomStringConvertible {
    /// The real object returned.
    case returned
    /// The real object threw an error of this type.
    case threw(typeName: String)
    /// The bridge failed the call: the host died, the bridge was stopped, a message was
    /// malformed.
    case failed(BridgeError)
    /// The calling task was cancelled before the reply came.
    case cancelled

    /// The outcome of a call that threw `error` to its caller.
    init(_ error: any Error) {
        switch error {
        case is CancellationError: self = .cancelled
        case let error as BridgeError:
            if error.code == .remoteError, let typeName = error.remoteTypeName {
                self = .threw(typeName: typeName)
            } else {
                self = .failed(error)
            }
        default: self = .threw(typeName: String(reflecting: type(of: error)))
        }
    }

    /// The outcome in words, for logs.
    public var description: String {
        switch self {
        case .returned: "returned"
        case .threw(let typeName): "threw \(typeName)"
        case .failed(let error): "failed: \(error)"
        case .cancelled: "cancelled"
        }
    }
}
