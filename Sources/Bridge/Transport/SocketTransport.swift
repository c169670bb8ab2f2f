/// Frames over a stream socket (the bridge's `socketpair`), or through shared memory with the
/// socket as its doorbell (`SharedMemoryChannel`). It owns the socket and closes it when
/// released.
final class SocketTransport: FrameTransport {
    let socket: FileDescriptor
    /// The rings the bytes go through instead of the socket, when the bridge has them.
    let sharedMemory: SharedMemoryChannel?
    /// Used only by the holder of the connection's reading role.
    nonisolated(unsafe) private let frames: FrameReader

    /// - Parameters:
    ///   - socket: The socket; the transport owns it.
    ///   - descriptors: Where the descriptors that frames carry come from.
    ///   - maximumPayloadSize: The largest payload accepted: a larger frame ends the
    ///     connection before any memory is set aside for it.
    ///   - sharedMemory: The rings, if the bridge has them.
    init(_ socket: FileDescriptor, descriptors: DescriptorChannel?, sharedMemory: SharedMemoryChannel? = nil, maximumPayloadSize: Int) {
        self.socket = socket
        self.sharedMemory = sharedMemory
        frames = FrameReader(socket, descriptors: descriptors, sharedMemory: sharedMemory, maximumPayloadSize: maximumPayloadSize)
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

    func noteLoneCall(_ lone: Bool) {
        sharedMemory?.noteLoneCall(lone)
    }

    func sendWithoutWaiting(_ bytes: UnsafeRawBufferPointer) -> System.Sent {
        if let sharedMemory { return sharedMemory.sendWithoutWaiting(bytes) }
        return System.sendWithoutWaiting(socket, bytes)
    }

    func waitForRoom(atMost timeout: Duration) -> Bool {
        if let sharedMemory { return sharedMemory.waitForRoom(atMost: timeout) }
        // A socket whose peer is gone turns writable, and the send that follows fails.
        System.waitUntilWritable(socket, atMost: timeout)
        return true
    }

    func waitUntilReadableOrWritable(atMost timeout: Duration) -> System.Readiness {
        if let sharedMemory { return sharedMemory.waitUntilReadableOrWritable(atMost: timeout) }
        return System.waitUntilReadableOrWritable(socket, atMost: timeout)
    }

    func shutDown() {
        sharedMemory?.shutDown()
        System.shutdown(socket)
    }

    var readableDescriptor: FileDescriptor { socket }
}
