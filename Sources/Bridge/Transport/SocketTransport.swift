/// Frames over a stream socket (the bridge's `socketpair`): the transport every bridge uses
/// today. It owns the socket and closes it when released.
final class SocketTransport: FrameTransport {
    let socket: FileDescriptor
    /// Used only by the holder of the connection's reading role.
    nonisolated(unsafe) private let frames: FrameReader

    /// - Parameters:
    ///   - socket: The socket; the transport owns it.
    ///   - descriptors: Where the descriptors that frames carry come from.
    ///   - maximumPayloadSize: The largest payload accepted: a larger frame ends the
    ///     connection before any memory is set aside for it.
    init(_ socket: FileDescriptor, descriptors: DescriptorChannel?, maximumPayloadSize: Int) {
        self.socket = socket
        frames = FrameReader(socket, descriptors: descriptors, maximumPayloadSize: maximumPayloadSize)
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

    func waitUntilReadableOrWritable() -> Bool {
        System.waitUntilReadableOrWritable(socket)
    }

    func shutDown() {
        System.shutdown(socket)
    }

    var readableDescriptor: FileDescriptor { socket }
}
