/// Frames over a stream socket (the bridge's `socketpair`): the transport every bridge uses
/// today. It owns the socket and closes it when released.
final class SocketTransport: FrameTransport {
    let socket: FileDescriptor
    /// Used only by the holder of the connection's reading role.
    nonisolated(unsafe) private let frames: FrameReader

    /// - Parameters:
    ///   - socket: The socket; the transport owns it.
    ///   - maximumPayloadSize: The largest payload accepted: a larger frame ends the
    ///     connection before any memory is set aside for it.
    init(_ socket: FileDescriptor, maximumPayloadSize: Int) {
        self.socket = socket
        frames = FrameReader(socket, maximumPayloadSize: maximumPayloadSize)
    }

    deinit {
        System.close(socket)
    }

    func nextFrame(waitingAtMost timeout: Duration?) throws(BridgeError) -> FrameArrival {
        try frames.next(waitingAtMost: timeout)
    }

    func nextFrameWithoutWaiting() throws(BridgeError) -> FrameArrival {
        try frames.nextWithoutWaiting()
    }

    var hasBufferedFrame: Bool { frames.hasBufferedFrame }

    func sendAll(_ bytes: UnsafeRawBufferPointer) -> Bool {
        (try? System.sendAll(socket, bytes)) != nil
    }

    func sendWithoutWaiting(_ bytes: UnsafeRawBufferPointer) -> System.Sent {
        System.sendWithoutWaiting(socket, bytes)
    }

    func send(_ bytes: UnsafeRawBufferPointer, attaching descriptors: UnsafeBufferPointer<CInt>, waiting: Bool) -> System.Sent {
        System.send(socket, bytes, attaching: descriptors, waiting: waiting)
    }

    func waitUntilReadableOrWritable() -> Bool {
        System.waitUntilReadableOrWritable(socket)
    }

    func shutDown() {
        System.shutdown(socket)
    }

    var readableDescriptor: FileDescriptor { socket }
}
