/// What `FrameReader.next(waitingAtMost:)` found.
package enum FrameArrival {
    case frame(Frame)
    /// The peer closed the connection, or reset it.
    case closed
    /// No whole frame arrived in time. What part of one did is kept for the next read.
    case timedOut
}

/// Reads frames from a socket through one buffer, so that small frames cost one `read` each or
/// less.
///
/// A wait for a frame is bounded as a whole, not only until its first bytes: a peer that
/// stops in the middle of a frame (frozen, or writing garbage) costs a reader its timeout, and
/// the part that came is kept, so that whoever reads next (the same party or another holder of
/// the connection's reading role) goes on from there.
///
/// A read that fails for another reason than an interruption or a timeout (`EBADF`,
/// `ENOTSOCK`, `ENOMEM`) ends reading for good: it throws `BridgeError.connectionFailed`
/// naming the `errno`, and so does every later read, without asking the system again, so
/// that no reader spins on a socket that cannot work, or keeps the reading role waiting.
package final class FrameReader {
    /// A frame whose header was read but whose payload has not all come.
    private struct PartialFrame {
        var kind: FrameKind
        var callID: UInt32
        var payload: [UInt8]
        /// How many bytes of `payload` came so far.
        var filled: Int
        /// The kind byte says so: its payload ends with their count and batch.
        var carriesDescriptors: Bool
    }

    private let descriptor: FileDescriptor
    private let buffer: UnsafeMutableRawBufferPointer
    // The mutable state is `@exclusivity(unchecked)` (SE-0176): one party reads at a time (the
    // holder of a connection's reading role, or a serving loop), every access is brief, and the
    // run-time checks cost more than the reads they guard on every frame.
    @exclusivity(unchecked) private var start = 0
    @exclusivity(unchecked) private var end = 0
    /// The receive timeout the socket has now; nil for none.
    @exclusivity(unchecked) private var receiveTimeout: Duration?
    @exclusivity(unchecked) private var partial: PartialFrame?
    /// Whether reads take only what the socket holds now (`nextWithoutWaiting`).
    @exclusivity(unchecked) private var waitsForBytes = true
    /// The last read took less than it had room for: the socket held no more then. A reader
    /// that must not wait does not ask again (a read that finds nothing is a system call
    /// spent); whoever wakes it when the socket turns readable lets it read.
    @exclusivity(unchecked) private var drained = false
    /// Why reading ended for good: a read failed with an `errno` that asking again would
    /// get again.
    @exclusivity(unchecked) private var failure: BridgeError?
    /// The largest payload accepted: a larger frame ends the connection before its payload is
    /// read or any memory is set aside for it. A host sets it from the hello.
    @exclusivity(unchecked) package var maximumPayloadSize: Int

    /// Where the descriptors that frames carry come from; without it, a frame that says it
    /// carries some is malformed.
    private let descriptorChannel: DescriptorChannel?
    /// Where the bytes come from when the bridge uses shared memory; the socket then only
    /// brings doorbells and the end.
    private let sharedMemory: SharedMemoryChannel?

    package init(
        _ descriptor: FileDescriptor, descriptors descriptorChannel: DescriptorChannel? = nil,
        sharedMemory: SharedMemoryChannel? = nil, bufferSize: Int = 64 << 10,
        maximumPayloadSize: Int = Frame.maximumPayloadSize
    ) {
        self.descriptor = descriptor
        self.descriptorChannel = descriptorChannel
        self.sharedMemory = sharedMemory
        self.buffer = .allocate(byteCount: bufferSize, alignment: 8)
        self.maximumPayloadSize = maximumPayloadSize
    }

    deinit { buffer.deallocate() }

    /// The next frame, or nil when the peer closed the connection.
    /// - Throws: `BridgeError.malformedMessage` for a header that is not a frame's,
    ///   `.connectionFailed` for a read that failed.
    package func next() throws(BridgeError) -> Frame? {
        switch try next(waitingAtMost: nil) {
        case .frame(let frame): frame
        case .closed, .timedOut: nil
        }
    }

    /// Whether a whole frame is already buffered, so that `next()` will not wait.
    package var hasBufferedFrame: Bool {
        guard partial == nil, end - start >= Frame.headerSize else { return false }
        let length = Int(UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: start, as: UInt32.self)))
        return end - start >= 4 + length
    }

    /// The next frame, waiting at most `timeout` for each read of it from the socket; nil
    /// waits for ever. A frame that has not all come when a read runs out of time is kept, and
    /// the next call goes on with it.
    /// - Throws: `BridgeError.malformedMessage` for a header that is not a frame's,
    ///   `.messageTooLarge` for a frame over `maximumPayloadSize`, `.connectionFailed` for a
    ///   read that failed (and every read after it).
    package func next(waitingAtMost timeout: Duration?) throws(BridgeError) -> FrameArrival {
        // The socket's own receive timeout: cheaper than polling before each read. It is
        // changed only when a reader wants another one, and not for a frame already here,
        // which needs no read (a caller that read a batch's replies takes the others' so,
        // waiting for ever, between reads of its own that wait a millisecond).
        if timeout != receiveTimeout, !hasBufferedFrame, case let settable = timeout.map(Self.settable), settable != receiveTimeout {
            System.setReceiveTimeout(descriptor, settable)
            receiveTimeout = settable
        }
        return try readFrame(timingOut: timeout != nil)
    }

    /// A timeout as the socket is given it: from a millisecond on, whole milliseconds, rounded
    /// down. A wait counted down to a deadline (a call's time limit, a blocking call's look at
    /// its task) asks for a new value at every read, and each change costs a system call
    /// (measured: a blocking call 10% slower on one CPU); rounded, the value changes at most
    /// once a millisecond. Rounded down, a read never waits past what was asked: its caller
    /// looks at its deadline and reads on.
    static func settable(_ timeout: Duration) -> Duration {
        guard timeout >= .milliseconds(1) else { return timeout }
        let (seconds, attoseconds) = timeout.components
        return .seconds(seconds) + .milliseconds(attoseconds / 1_000_000_000_000_000)
    }

    /// The next frame if the socket holds all of it now; else `.timedOut`, keeping what came,
    /// for an event loop that must not wait on one socket while others are ready.
    package func nextWithoutWaiting() throws(BridgeError) -> FrameArrival {
        waitsForBytes = false
        defer { waitsForBytes = true }
        return try readFrame(timingOut: true)
    }

    /// Reads the next frame, going on with a partial one.
    /// - Parameter timingOut: Whether a read that runs out of time (or, not waiting, finds no
    ///   bytes) ends the wait; otherwise it waits on.
    private func readFrame(timingOut: Bool) throws(BridgeError) -> FrameArrival {
        if let failure { throw failure }
        if partial == nil {
            while end - start < Frame.headerSize {
                switch fill(timingOut: timingOut) {
                case .bytes: continue
                case .endOfFile: return .closed
                case .timedOut: return .timedOut
                case .failed(let error): throw failed(error)
                }
            }
            // The usual case: the whole frame came in one read.
            if let whole = try startFrame() { return .frame(whole) }
        }
        return try fillPayload(timingOut: timingOut)
    }

    /// Ends reading for good because a read failed.
    private func failed(_ error: SystemError) -> BridgeError {
        let failure = BridgeError.connectionFailed(error)
        self.failure = failure
        partial = nil
        return failure
    }

    /// Reads the buffered header, with what of the payload is buffered too.
    /// - Returns: The frame if all of it was buffered; else nil, and the part is in `partial`.
    private func startFrame() throws(BridgeError) -> Frame? {
        let length = Int(UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: start, as: UInt32.self)))
        let rawKind = buffer[start + 4]
        let callID = UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: start + 5, as: UInt32.self))
        guard length >= Frame.headerSize - 4 else {
            throw .malformedMessage("a frame declares \(length) bytes, fewer than its own header")
        }
        let payloadSize = length - (Frame.headerSize - 4)
        guard payloadSize <= maximumPayloadSize else {
            throw .messageTooLarge(method: nil, size: payloadSize, limit: maximumPayloadSize)
        }
        let carriesDescriptors = rawKind & Frame.carriesDescriptors != 0
        guard let kind = FrameKind(rawValue: rawKind & ~Frame.carriesDescriptors) else {
            throw .malformedMessage("unknown frame kind \(rawKind)")
        }
        start += Frame.headerSize
        let buffered = min(end - start, payloadSize)
        var payload: [UInt8]
        if payloadSize >= LargeBuffers.threshold {
            payload = LargeBuffers.take(count: payloadSize)
            payload.withUnsafeMutableBytes { $0.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: buffered) }
        } else if payloadSize == 0 {
            // Not through `unsafeUninitializedCapacity`: for no capacity it hands out the shared
            // empty array, and setting its count writes to that global from every reader thread
            // at once (a race ThreadSanitizer reports).
            payload = []
        } else {
            payload = FrameStorage.take(capacity: payloadSize)
            payload.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[start..<(start + buffered)]))
            if buffered < payloadSize { payload.appendZeros(payloadSize - buffered) }
        }
        start += buffered
        if buffered == payloadSize {
            return try complete(kind: kind, callID: callID, payload: payload, carriesDescriptors: carriesDescriptors)
        }
        partial = PartialFrame(
            kind: kind, callID: callID, payload: payload, filled: buffered, carriesDescriptors: carriesDescriptors)
        return nil
    }

    /// Reads the rest of the partial frame's payload straight from the socket.
    private func fillPayload(timingOut: Bool) throws(BridgeError) -> FrameArrival {
        guard var frame = partial.take() else { return .closed }
        defer { partial = frame.filled < frame.payload.count ? frame : nil }
        while frame.filled < frame.payload.count {
            let received = frame.payload.withUnsafeMutableBytes {
                receive(into: UnsafeMutableRawBufferPointer(rebasing: $0[frame.filled...]), timingOut: timingOut)
            }
            switch received {
            case .bytes(let count): frame.filled += count
            case .timedOut: return .timedOut
            // A frame cut short is a peer that died while writing: the same as a closed
            // connection.
            case .endOfFile:
                frame.filled = frame.payload.count  // nothing more will come: drop it
                return .closed
            case .failed(let error):
                frame.filled = frame.payload.count
                throw failed(error)
            }
        }
        let whole = frame.payload
        frame.payload = []
        return .frame(try complete(
            kind: frame.kind, callID: frame.callID, payload: whole, carriesDescriptors: frame.carriesDescriptors))
    }

    /// A frame all of whose bytes came, with the descriptors it carries, if any, taken from
    /// the batch it names.
    /// - Throws: `BridgeError.malformedMessage` when its trailer does not fit, or its batch did
    ///   not come whole.
    private func complete(kind: FrameKind, callID: UInt32, payload: consuming [UInt8], carriesDescriptors: Bool) throws(BridgeError) -> Frame {
        guard carriesDescriptors else { return Frame(kind: kind, callID: callID, payload: payload) }
        do {
            return try withDescriptors(kind: kind, callID: callID, payload: payload)
        } catch {
            // The frame's bytes are consumed: every later read must fail the same way, not wait
            // for what follows (a caller that gives the reading role up on an error counts on
            // the next holder seeing it too).
            failure = error
            throw error
        }
    }

    private func withDescriptors(kind: FrameKind, callID: UInt32, payload: consuming [UInt8]) throws(BridgeError) -> Frame {
        var payload = payload
        guard payload.count >= Frame.descriptorTrailerSize else {
            throw .malformedMessage("a frame says it carries descriptors, and has no room to say how many")
        }
        let (count, batch) = payload.withUnsafeBytes { bytes in
            let trailer = bytes.count - Frame.descriptorTrailerSize
            return (
                Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: trailer, as: UInt32.self))),
                UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: trailer + 4, as: UInt32.self)))
        }
        payload.removeLast(Frame.descriptorTrailerSize)
        guard let descriptorChannel else {
            throw .malformedMessage("a frame says it carries descriptors, on a connection that carries none")
        }
        guard count >= 1, count <= Frame.maximumDescriptors else {
            throw .malformedMessage("a frame says it carries \(count) descriptors (at most \(Frame.maximumDescriptors))")
        }
        let descriptors: WireDescriptors
        do {
            descriptors = WireDescriptors(received: try descriptorChannel.take(batch: batch, count: count))
        } catch where error.code == .descriptorsNotSent {
            // This process could not take them: the frame's values that name them fail alone.
            descriptors = WireDescriptors(lost: error)
        }
        return Frame(kind: kind, callID: callID, payload: payload, descriptors: descriptors)
    }

    /// Reads more bytes into the buffer.
    /// - Parameter timingOut: Whether running out of time ends the read; otherwise it waits on.
    private func fill(timingOut: Bool) -> System.Received {
        compact()
        let received = receive(into: UnsafeMutableRawBufferPointer(rebasing: buffer[end...]), timingOut: timingOut)
        if case .bytes(let count) = received { end += count }
        return received
    }

    /// Moves what is buffered to the start of the buffer, making room behind it.
    private func compact() {
        guard start > 0 else { return }
        if start < end {
            buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: end - start)
        }
        end -= start
        start = 0
    }

    private func receive(into target: UnsafeMutableRawBufferPointer, timingOut: Bool) -> System.Received {
        if let sharedMemory {
            // No shortcut when drained: finding the ring empty costs no system call, and
            // arms the doorbell that makes the socket readable for whoever waits on it.
            return sharedMemory.receive(into: target, waiting: waitsForBytes, timingOut: timingOut, timeout: receiveTimeout)
        }
        if !waitsForBytes && drained {
            drained = false  // asked again next time: the caller now waits for the socket
            return .timedOut
        }
        while true {
            let received = System.receive(descriptor, into: target, waiting: waitsForBytes)
            switch received {
            case .bytes(let count): drained = count < target.count
            case .timedOut where !timingOut: continue
            case .timedOut, .endOfFile, .failed: drained = false
            }
            return received
        }
    }
}
