/// What a connection needs from the other process, whatever carries the bytes: frames in
/// (waiting with a time limit, or not at all), bytes out (what fits now), bounded waits for
/// room or for either, the end, and a descriptor the event loop can watch for bytes to read.
/// Every wait here is bounded, so that a writer facing a stopped process can look at its
/// call's time limit and its task's cancellation between waits.
///
/// The connection keeps the rules (who reads, who writes, which frame is whose); a transport
/// only moves bytes. `SocketTransport` carries them over the bridge's socket; a shared-memory
/// transport would sit beside it, with a descriptor that turns readable when its ring does.
///
/// Reading is for the one holder of the connection's reading role at a time, writing for the
/// one writer of its outbox: a transport need not be safe for two readers or two writers.
protocol FrameTransport: AnyObject, Sendable {
    /// The next frame, waiting at most `timeout` for its bytes (nil: for ever), keeping a
    /// frame that came in part for the next read.
    /// - Throws: `BridgeError.malformedMessage` for bytes that are not a frame.
    func nextFrame(waitingAtMost timeout: Duration?) throws(BridgeError) -> FrameArrival

    /// The next frame if all of it is here now; else `.timedOut`, keeping what came.
    func nextFrameWithoutWaiting() throws(BridgeError) -> FrameArrival

    /// Says whether one call is in flight, whose caller reads its reply: a shared-memory
    /// transport then waits by handing the CPU over to the host when the two share one
    /// (`SharedMemoryChannel.noteLoneCall(_:)`). Said under the connection state's lock.
    func noteLoneCall(_ lone: Bool)

    /// Whether a whole frame has been read already, so that the next read takes no bytes
    /// from the other process.
    var hasBufferedFrame: Bool { get }

    /// Sends what fits now.
    func sendWithoutWaiting(_ bytes: UnsafeRawBufferPointer) -> System.Sent

    /// Waits until there may be room to send, the other end has gone, or `timeout` passed.
    /// - Returns: False if the other end is gone (or this end shut down): no room will come,
    ///   and a writer that waited again would spin.
    func waitForRoom(atMost timeout: Duration) -> Bool

    /// Waits until there is room to send or bytes to read, at most `timeout`.
    /// - Returns: `.readable` when bytes can be read (or the other end has gone).
    func waitUntilReadableOrWritable(atMost timeout: Duration) -> System.Readiness

    /// Ends both directions: a reader waiting now, or later, sees the end after what the
    /// other process sent before it.
    func shutDown()

    /// Turns readable when bytes arrive or the other end is gone, for the event loop.
    var readableDescriptor: FileDescriptor { get }
}
