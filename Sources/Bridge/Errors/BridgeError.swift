/// A failure of the bridge itself, as opposed to an error thrown by the real object.
///
/// Errors that the real object throws arrive as themselves when their type is `Codable`;
/// other errors arrive as ``BridgeError/remoteError(typeName:description:)``.
public enum BridgeError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The host could not be started or did not complete its handshake.
    case startFailed(String)
    /// The host process ended. `method` names the call that was waiting for it, if any.
    case hostExited(processID: Int32, termination: HostTermination, method: String?)
    /// The host was built from other source: its bridged protocol differs from the caller's.
    case interfaceMismatch(String)
    /// A message on the bridge's socket could not be read; the connection was closed.
    case malformedMessage(String)
    /// Something did not answer in time.
    case timedOut(String)
    /// The real object threw an error whose type is not `Codable`, or is unknown here.
    case remoteError(typeName: String, description: String)
    /// The bridge was stopped; calls need a new bridge.
    case stopped(method: String?)
    /// A message of `size` bytes is over `limit`, the connection's
    /// ``BridgeOptions/maximumMessageSize``. With a method, that call was refused before it was
    /// sent, and the bridge stays usable; without one, such a message arrived and the connection
    /// was closed.
    case messageTooLarge(method: String?, size: Int, limit: Int)
    /// The result of `method` takes `size` bytes, over `limit`: the host sent this error
    /// instead, and the bridge stays usable.
    case resultTooLarge(method: String, size: Int, limit: Int)
    /// In a host: the parent no longer serves the objects it passed (callbacks, shared state),
    /// because its bridge is stopping or it exited. `method` names the call that was waiting.
    case parentGone(method: String?)

    /// What went wrong and what to do about it.
    public var description: String {
        switch self {
        case .startFailed(let reason):
            "Bridge host could not be started: \(reason)"
        case .hostExited(let pid, let termination, let method):
            "Bridge host (pid \(pid)) \(termination)"
                + (method.map { " while '\($0)' was waiting for it" } ?? "")
                + ". Start a new bridge to continue; the host's standard error may say why it ended."
        case .interfaceMismatch(let detail):
            "Bridge host was built from other source: \(detail). Rebuild the host executable from the same source as the caller."
        case .malformedMessage(let detail):
            "Bridge received a malformed message and closed the connection: \(detail)"
        case .timedOut(let what):
            "Bridge timed out: \(what)"
        case .remoteError(let typeName, let description):
            "The host threw \(typeName): \(description) (the error's type is not Codable, so it arrives as this description; make it Codable to receive it as itself)"
        case .stopped(let method):
            "Bridge was stopped" + (method.map { " before '\($0)' could complete" } ?? "")
                + "; start a new bridge to make calls."
        case .messageTooLarge(let method?, let size, let limit):
            "Bridge refused to send '\(method)': its arguments take \(size) bytes, over the limit of \(limit) bytes (BridgeOptions.maximumMessageSize); pass less per call, or raise the limit."
        case .messageTooLarge(nil, let size, let limit):
            "Bridge received a message of \(size) bytes, over the limit of \(limit) bytes (BridgeOptions.maximumMessageSize), and closed the connection; return less per call, or raise the limit."
        case .parentGone(let method):
            "The bridge's parent no longer serves the objects it passed to this host"
                + (method.map { " ('\($0)' cannot complete)" } ?? "")
                + ": its bridge is stopping, or it exited. Use callbacks and shared state from calls the parent made, not from the stop hook or later."
        case .resultTooLarge(let method, let size, let limit):
            "Bridge host did not send the result of '\(method)': it takes \(size) bytes, over the limit of \(limit) bytes (BridgeOptions.maximumMessageSize); return less per call, or raise the limit."
        }
    }
}
