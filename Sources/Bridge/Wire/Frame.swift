/// What a frame says. The numbers are part of the wire format: never reuse one.
///
/// The bridge socket carries calls from the parent and their replies. The side channel, a
/// second socket, carries what must not wait behind a running call: the parent's cancels and
/// stream credits, and calls from the host to objects the parent passed it, with their
/// replies. "Caller" and "callee" below are the two ends of whichever socket carries the frame.
package enum FrameKind: UInt8, Sendable {
    /// Parent to host, call id 0: the wire version, the type to serve and its interface.
    case hello = 1
    /// Host to parent, call id 0: the real object exists and its start hook returned.
    case welcome = 2
    /// Host to parent, call id 0: the host will not serve this parent; the payload is a `BridgeError`.
    case refused = 3
    /// Caller to callee: the object id (0 is the real object), the method id, then the arguments.
    case call = 4
    /// Callee to caller: the call returned; the payload is its result.
    case returned = 5
    /// Callee to caller: the call (or, with call id 0, the start hook) threw; the payload is an
    /// `ErrorEnvelope`. For a stream that has started, the stream ended with that error.
    case threw = 6
    /// Side channel, caller to callee: the caller of this call id no longer waits for it.
    case cancel = 7
    /// Parent to host: run the stop hook and exit. The parent learns of the exit from the
    /// socket's end. (9, a "stopped" reply nobody needed, is retired.)
    case stop = 8
    /// Side channel, host to parent: the host dropped its last reference to the object whose
    /// id is the payload; the parent may release it.
    case release = 10
    /// Host to parent: the next element of the stream that the call returned.
    case element = 11
    /// Host to parent: the stream that the call returned ended without an error.
    case finished = 12
    /// Side channel, parent to host: the consumer of the call's stream takes this many more
    /// elements (a 32-bit count).
    case credit = 13
    /// Side channel, parent to host: answer with a `pong` of the same call id (a sequence
    /// number, not a call). The host's side-channel thread answers, so a host busy in a long
    /// call still does; one that does not is hung (`BridgeOptions.hangTimeout`).
    case ping = 14
    /// Side channel, host to parent: the answer to the `ping` of this call id.
    case pong = 15
    /// Host to parent, call id 0, before anything else: the host's runtime has started and it
    /// waits for its hello; the payload is its wire version. A parent that launched a host
    /// ahead of time (`BridgeReserve`) knows from it that the host is ready.
    case ready = 16
}

/// One message on the bridge's socket.
///
/// Layout: a 32-bit little-endian length of everything after it, the kind (one byte), the call
/// id (32-bit little-endian), then the payload. A frame that carries descriptors
/// (`BridgeFileDescriptor`) has `carriesDescriptors` set in its kind byte and ends, after the
/// payload, with a 32-bit little-endian count of them and the number of the batch that
/// brought them over the bridge's `DescriptorChannel`, sent before the frame.
package struct Frame: Sendable {
    package static let headerSize = 9
    /// The bit of the kind byte that says the frame carries descriptors.
    package static let carriesDescriptors: UInt8 = 0x80
    /// The bytes after the payload of a frame that carries descriptors: their count and batch.
    package static let descriptorTrailerSize = 8
    /// The most descriptors one frame may carry: a reader refuses a frame that declares more.
    /// Each costs the sending user one of its `RLIMIT_NOFILE` descriptors in flight until it
    /// is received.
    package static let maximumDescriptors = 1 << 16
    /// The wire format's version; a host refuses a parent that speaks another.
    /// 2: the hello carries the user, group, output mode and configuration.
    /// 3: the hello carries the maximum message size.
    /// 4: calls name an object; cancels travel on the side channel.
    /// 5: the hello carries the host's confinement (limits, namespaces, no-new-privileges).
    /// 6: frames may carry descriptors (the kind byte's high bit, a trailing count and batch).
    /// 7: the side channel carries pings and pongs (hang detection).
    /// 8: the host says it is ready before the hello.
    /// 9: a distributed call's generic substitutions are a count and names, not an array value.
    /// 10: each shared-memory ring says whether its consumer hands its CPU over while it waits.
    /// 11: a distributed actor's id names its system (`ActorID.system`).
    /// 12: a distributed call's target is a bytes value (`DistributedTarget`), not a string.
    package static let wireVersion: UInt32 = 12
    /// The largest payload a reader accepts unless told otherwise, and the most
    /// `BridgeOptions.maximumMessageSize` may be. A larger frame ends the connection.
    package static let maximumPayloadSize = 256 << 20
    /// The least `BridgeOptions.maximumMessageSize` may be: room for any hello.
    package static let minimumPayloadLimit = 64 << 10

    package var kind: FrameKind
    package var callID: UInt32
    package var payload: [UInt8]
    /// The descriptors that came with the frame, for its values to take; nil for none.
    package var descriptors: WireDescriptors?

    package init(kind: FrameKind, callID: UInt32, payload: [UInt8], descriptors: WireDescriptors? = nil) {
        self.kind = kind
        self.callID = callID
        self.payload = payload
        self.descriptors = descriptors
    }

    /// A reader over the payload and the descriptors that came with it.
    package var payloadReader: _WireReader { _WireReader(bytes: payload, descriptors: descriptors) }

    /// A reader over the payload, moved out as `takePayload()` does, and the descriptors.
    package mutating func takePayloadReader() -> _WireReader {
        _WireReader(bytes: takePayload(), descriptors: descriptors)
    }

    /// Moves the payload out, leaving it empty: a reader over the moved bytes holds the only
    /// reference to them, so that their storage can be reused once it is done.
    package mutating func takePayload() -> [UInt8] {
        var taken: [UInt8] = []
        swap(&taken, &payload)
        return taken
    }
}

extension _WireWriter {
    /// A writer whose bytes start with room for a frame header.
    package static func frame() -> _WireWriter {
        var writer = _WireWriter(reserving: Frame.headerSize)
        writer.carriesDescriptors = true
        return writer
    }

    /// A call frame up to its arguments: the object's id, then the method's; the header is
    /// filled in on sending. `CallServing.request(in:)` reads it back.
    package static func call(objectID: UInt32, methodID: UInt64) -> _WireWriter {
        var frame = _WireWriter.frame()
        frame.writeUInt32LittleEndian(objectID)
        frame.writeUInt64LittleEndian(methodID)
        return frame
    }

    /// Throws if the payload written so far is over `limit`: for a sender, so that an
    /// oversized message fails its call instead of ending the connection at the reader.
    /// - Parameter method: The call, to name in the error.
    /// - Throws: `BridgeError.messageTooLarge` naming the method, the size and the limit.
    package func checkPayloadSize(limit: Int, method: @autoclosure () -> String) throws(BridgeError) {
        let size = bytes.count - Frame.headerSize
        guard size <= limit else { throw .messageTooLarge(method: method(), size: size, limit: limit) }
    }

    /// Fills in the header that `frame()` left room for (and says, in the kind byte, that the
    /// frame carries descriptors, once `sendDescriptors` has sent them).
    package mutating func setFrameHeader(_ kind: FrameKind, callID: UInt32) {
        let kindByte = kind.rawValue | (announcesDescriptors ? Frame.carriesDescriptors : 0)
        withUnsafeMutableBytes { bytes in
            bytes.storeBytes(of: UInt32(bytes.count - 4).littleEndian, toByteOffset: 0, as: UInt32.self)
            bytes.storeBytes(of: kindByte, toByteOffset: 4, as: UInt8.self)
            bytes.storeBytes(of: callID.littleEndian, toByteOffset: 5, as: UInt32.self)
        }
    }

    /// Sends the descriptors this frame carries, if any, as a batch on `channel`, and names the
    /// batch after the payload; before the frame is sent, and before or after its header is
    /// filled in. The duplicates the frame held are closed (the kernel holds the open files
    /// until the other process takes them).
    /// - Parameter timeout: The longest to wait for room on the channel; nil waits as long
    ///   as it takes.
    /// - Throws: `SystemError` when the descriptors could not be sent (the frame must then
    ///   not be sent either); names `ENOTSUP` where there is no descriptor channel.
    package mutating func sendDescriptors(over channel: DescriptorChannel?, waitingAtMost timeout: Duration?) throws(SystemError) {
        guard let descriptors, descriptors.count > 0 else { return }
        guard let channel else { throw SystemError("sendmsg(SCM_RIGHTS)", code: System.notSupported) }
        let batch = try descriptors.withUnsafeDescriptors { (all) throws(SystemError) in
            try channel.send(all, waitingAtMost: timeout)
        }
        writeUInt32LittleEndian(UInt32(descriptors.count))
        writeUInt32LittleEndian(batch)
        self.descriptors = nil
        announcesDescriptors = true
        withUnsafeMutableBytes { bytes in
            bytes.storeBytes(of: UInt32(bytes.count - 4).littleEndian, toByteOffset: 0, as: UInt32.self)
            bytes.storeBytes(of: bytes[4] | Frame.carriesDescriptors, toByteOffset: 4, as: UInt8.self)
        }
    }
}

extension FileDescriptor {
    /// Sends a frame built with `_WireWriter.frame()`, header filled in, after the descriptors
    /// it carries (over `channel`). A frame whose descriptors cannot be sent (the kernel
    /// refuses them: too many in flight) shuts the socket down: the peer is not left waiting
    /// for a reply that will not come.
    /// - Throws: `SystemError` when the socket is closed or broke, or the descriptors could not
    ///   be sent.
    package func send(_ frame: consuming _WireWriter, descriptors channel: DescriptorChannel? = nil) throws {
        var frame = frame
        do {
            try frame.sendDescriptors(over: channel, waitingAtMost: nil)
        } catch {
            System.shutdown(self)
            throw error
        }
        try frame.bytes.withUnsafeBytes { try System.sendAll(self, $0) }
    }
}
