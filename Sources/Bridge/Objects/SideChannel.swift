import Foundation

/// The parent's end of a bridge's side channel: it sends what must not wait behind a running
/// call (cancels, stream credits), and serves the objects the parent passed to the host.
///
/// Objects are served by a thread of their own, started with the first object passed, which
/// reads each call and runs it in a task; calls to passed objects are rare next to calls to the
/// host, so they take the plain design, not the bridge socket's hand-over of the reading role.
package final class SideChannel: WireObjectExporter {
    private struct Exports {
        var objects: [UInt32: BoundMethods] = [:]
        var nextID: UInt32 = 1
        var serving = false
        /// The host went away, or the bridge is stopping: nothing more is served.
        var closed = false
    }

    private let socket: FileDescriptor
    /// The bridge's descriptor channel, shared with its connection.
    private let descriptors: DescriptorChannel?
    private let writing = Lock()
    private let exports = Locked(Exports())
    private let running = RunningCalls()
    /// The largest message sent or accepted (`BridgeOptions.maximumMessageSize`).
    private let maximumMessageSize: Int
    /// Names the host in the serving thread's name.
    private let hostID: ProcessID
    /// Told when the host sends a malformed message here; set once, before the first object
    /// is passed.
    private let misbehaved = Locked<(@Sendable (BridgeError) -> Void)?>(nil)
    /// Told of each pong the host sends (`HangWatch`); set once, before the first ping.
    private let pongs = Locked<(@Sendable (UInt32) -> Void)?>(nil)

    /// Whether the host has not yet read all that was sent here; nil where the system does
    /// not tell. For tests, which wait until a cancel has reached the host.
    var hostHasUnread: Bool? { System.peerHasUnread(socket) }

    /// - Parameters:
    ///   - socket: The parent's end of the side channel; the side channel owns it.
    ///   - descriptors: The bridge's descriptor channel, for descriptors in callbacks'
    ///     arguments and results.
    package init(socket: FileDescriptor, descriptors: DescriptorChannel? = nil, maximumMessageSize: Int, hostID: ProcessID) {
        self.socket = socket
        self.descriptors = descriptors
        self.maximumMessageSize = maximumMessageSize
        self.hostID = hostID
    }

    deinit {
        System.close(socket)
    }

    /// Sets what to do when the host sends a malformed message on the side channel: the
    /// bridge ends it, as it ends a host that does so on the bridge socket.
    package func onMalformedMessage(_ handler: @escaping @Sendable (BridgeError) -> Void) {
        misbehaved.withLock { $0 = handler }
    }

    /// Sends a frame with no payload, or with the payload `body` writes; a closed channel is
    /// ignored (the host is gone, and the bridge socket says so).
    package func send(_ kind: FrameKind, callID: UInt32, _ body: (inout _WireWriter) -> Void = { _ in }) {
        var frame = _WireWriter.frame()
        body(&frame)
        frame.setFrameHeader(kind, callID: callID)
        send(frame)
    }

    private func send(_ frame: consuming _WireWriter) {
        var frame = frame
        writing.withLock { _ = try? socket.send(frame, descriptors: descriptors) }
        FrameStorage.keepSent(frame.takeBytes())
    }

    /// Sends `ping`s' answers to `handler`, and starts reading the channel now (else its
    /// thread starts with the first object passed): a pong must be read whenever it comes.
    package func watchPongs(_ handler: @escaping @Sendable (UInt32) -> Void) {
        pongs.withLock { $0 = handler }
        let startsServing = exports.withLock { exports -> Bool in
            defer { exports.serving = true }
            return !exports.serving && !exports.closed
        }
        if startsServing { startServing() }
    }

    private func startServing() {
        let thread = Thread { [self] in serve() }
        thread.name = "swift-process-bridge objects \(hostID)"
        thread.start()
    }

    /// Registers an object for the host to call, and starts serving if this is the first.
    /// - Returns: The id the host calls it by.
    /// - Throws: `BridgeError.stopped` once the bridge is stopping or the host is gone.
    package func export(_ export: _BridgeExport) throws(BridgeError) -> UInt32 {
        let (id, startsServing) = try exports.withLock { exports throws(BridgeError) in
            guard !exports.closed else { throw BridgeError.stopped(method: nil) }
            let id = exports.nextID
            exports.nextID = exports.nextID == .max ? 1 : exports.nextID + 1
            exports.objects[id] = export.bind(maximumMessageSize)
            defer { exports.serving = true }
            return (id, !exports.serving)
        }
        if startsServing { startServing() }
        return id
    }

    /// Stops serving passed objects: the host's calls to them fail with
    /// `BridgeError.parentGone` from now on. Calls to the host are not affected.
    package func close() {
        exports.withLock { exports in
            exports.closed = true
            exports.objects.removeAll()
        }
        System.shutdown(socket)
        running.cancelAll()
    }

    /// How many passed objects the host still holds.
    package var exportedCount: Int { exports.withLock { $0.objects.count } }

    /// Reads the host's calls to passed objects until the channel ends.
    private func serve() {
        let frames = FrameReader(socket, descriptors: descriptors, maximumPayloadSize: maximumMessageSize)
        while true {
            let frame: Frame?
            do {
                frame = try frames.next()
            } catch {
                // The host is not trusted with more: the bridge ends it, and its calls fail
                // with this error.
                frame = nil
                misbehaved.withLock { $0 }?(error)
            }
            guard let frame else {
                close()
                return
            }
            let kind = frame.kind
            switch kind {
            case .call:
                serve(consume frame)
            case .cancel:
                running.cancel(frame.callID)
            case .credit:
                running.credit(frame)
            case .pong:
                pongs.withLock { $0 }?(frame.callID)
            case .release:
                var payload = frame.payloadReader
                if let id = try? payload.readUInt32LittleEndian() {
                    _ = exports.withLock { $0.objects.removeValue(forKey: id) }
                }
            default:
                // The parent makes no calls here: a reply, an element or a handshake frame
                // answers nothing it asked, and the host is not trusted with more.
                misbehaved.withLock { $0 }?(.malformedMessage("a '\(frame.kind)' frame on the side channel, where the parent asked nothing"))
                close()
                return
            }
        }
    }

    private func serve(_ frame: consuming Frame) {
        let callID = frame.callID
        guard let request = CallServing.request(in: consume frame) else {
            send(CallServing.error(BridgeError.malformedMessage("a call to a passed object names no object and method"), callID: callID))
            return
        }
        guard let methods = exports.withLock({ $0.objects[request.objectID] }) else {
            send(CallServing.error(BridgeError.parentGone(method: nil), callID: callID))
            return
        }
        // A method that never waits (a shared state's) runs right here: no task to start, no
        // pool thread to wait for, and its reply goes out before the next frame is read.
        if let reply = CallServing.performNow(request, callID: callID, on: methods) {
            send(reply)
            return
        }
        running.start(callID, consume request, on: methods) { [self] reply in
            send(reply)
        }
    }
}
