/// Who reads a connection's socket when no caller is reading its own reply: the two sides of
/// a bridge read differently.
package enum OwnReading: Sendable {
    /// The reader threads and the event loop that every connection of the process shares
    /// (`ConnectionReaders`, `BridgeEventLoop`), from a hand-over until nothing waits: the
    /// parent's connections to its hosts, where most replies are read by their callers.
    case shared
    /// A thread of the connection's own that reads everything, all the time, and hands each
    /// frame that is not a reply to `otherFrames`: a host's end of the side channel, where the
    /// parent's cancels and stream credits come whenever they come, between the replies to the
    /// host's own callback calls.
    case dedicatedThread(otherFrames: @Sendable (Frame) -> Void)

    var isDedicatedThread: Bool {
        if case .dedicatedThread = self { true } else { false }
    }
}
