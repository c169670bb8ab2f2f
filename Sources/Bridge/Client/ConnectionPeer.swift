/// The process at the other end of a connection, and what its going away means for calls: for
/// the parent, the host process it reaps; for a host calling objects the parent passed it, the
/// parent.
package protocol ConnectionPeer: Sendable {
    /// Names the peer in thread names.
    var name: String { get }

    /// The peer's end of the connection closed, or the peer sent a malformed frame.
    /// - Returns: The error that waiting and later calls fail with.
    func disconnected(malformed: Bool) -> BridgeError

    /// Turns readable once the peer process has ended, for the event loop to watch; nil
    /// makes the event loop watch the socket closing instead.
    var exitDescriptor: FileDescriptor? { get }

    /// Ends the peer at once because it misbehaved (a malformed frame): it is not trusted with
    /// another call. A host kills nothing of its parent's: its connection just ends.
    func endForMisbehaving()
}

extension ConnectionPeer {
    package var exitDescriptor: FileDescriptor? { nil }
    package func endForMisbehaving() {}
}

extension HostProcess: ConnectionPeer {
    package var name: String { "host \(id)" }

    package func endForMisbehaving() {
        kill(because: "as it broke the bridge's protocol (a malformed message, or one it may not send), and a host that does is not trusted with another call")
    }

    /// Reaps the host (killing it first if it sent a malformed frame: it is not trusted with
    /// another call).
    package func disconnected(malformed: Bool) -> BridgeError {
        if malformed { endForMisbehaving() }
        reapAfterDisconnect()
        return .hostExited(
            processID: id, termination: termination.value ?? .unknown, method: nil, addressSpaceLimit: addressSpaceLimit,
            killReason: killedBecause)
    }
}
