/// The host's end of a bridge's side channel (the parent's end is `SideChannel`): the host
/// calls the objects the parent passed it through it, and the parent's cancels and stream
/// credits for the host's running calls come in on it whenever they come.
extension _BridgeConnection {
    /// Makes the host's end of the side channel and starts its reader thread.
    /// - Parameters:
    ///   - socket: The host's end of the side channel; the connection owns it.
    ///   - descriptors: The bridge's descriptor channel, shared with the bridge socket.
    ///   - parent: The parent's process id.
    ///   - calls: The host's running calls, which cancels and credits go to.
    ///   - maximumMessageSize: The largest message sent or accepted.
    /// - Throws: `SystemError` if the reader's wake-up signal cannot be made.
    package static func hostSideChannel(
        socket: FileDescriptor, descriptors: DescriptorChannel, parent: ProcessID, calls: RunningCalls, maximumMessageSize: Int
    ) throws(SystemError) -> _BridgeConnection {
        // The reader needs the connection to answer pings, and the connection needs the reader.
        let answering = Locked(WeakConnection())
        let side = _BridgeConnection(
            socket: socket, wakeUp: try System.makeWakeUpSignal(), peer: ParentProcess(id: parent), descriptors: descriptors,
            ownReading: .dedicatedThread(otherFrames: { frame in
                switch frame.kind {
                case .cancel: calls.cancel(frame.callID)
                case .credit: calls.credit(frame)
                // Answered here, on the side channel's own thread: a host whose pool threads are
                // all busy in calls still answers, and only one that cannot run at all does not.
                case .ping: answering.withLock { $0.connection }?.sendControl(.pong, callID: frame.callID)
                default: break
                }
            }),
            maximumMessageSize: maximumMessageSize)
        answering.withLock { $0.connection = side }
        try side.startReading()
        return side
    }
}

/// The side channel's connection as its own reader sees it: weak, so that the reader's
/// closure, which the connection holds, does not keep it alive.
private struct WeakConnection {
    weak var connection: _BridgeConnection?
}

/// The parent, as the host's side channel sees it: when it goes away, the objects it passed
/// go with it.
private struct ParentProcess: ConnectionPeer {
    let id: ProcessID
    var name: String { "parent \(id)" }
    func disconnected(malformed: Bool) -> BridgeError { .parentGone(method: nil) }
}
