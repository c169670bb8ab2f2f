/// What `FrameReader.next(waitingAtMost:)` found.
package enum FrameArrival {
    case frame(Frame)
    /// The peer closed the connection, or it broke.
    case closed
    /// No frame started arriving in time.
    case timedOut
}

/// Reads frames from a socket through one buffer, so that small frames cost one `read` each or
/// less.
package final class FrameReader {
    private let descriptor: FileDescriptor
    private let buffer: UnsafeMutableRawBufferPointer
    // The mutable state is `@exclusivity(unchecked)` (SE-0176): one party reads at a time (the
    // holder of a connection's reading role, or a serving loop), every access is brief, and the
    // run-time checks cost more than the reads they guard on every frame.
    @exclusivity(unchecked) private var start = 0
    @exclusivity(unchecked) private var end = 0
    /// The receive timeout the socket has now; nil for none.
    @exclusivity(unchecked) private var receiveTimeout: Duration?
    /// The largest payload accepted: a larger frame ends the connection before its payload is
    /// read or any memory is set aside for it. A host sets it from the hello.
    @exclusivity(unchecked) package var maximumPayloadSize: Int

    package init(_ descriptor: FileDescriptor, bufferSize: Int = 64 << 10, maximumPayloadSize: Int = Frame.maximumPayloadSize) {
        self.descriptor = descriptor
        self.buffer = .allocate(byteCount: bufferSize, alignment: 8)
        self.maximumPayloadSize = maximumPayloadSize
    }

    deinit { buffer.deallocate() }

    /// The next frame, or nil when the peer closed the connection (or it broke).
    /// - Throws: `BridgeError.malformedMessage` for a header that is not a frame's.
    package func next() throws(BridgeError) -> Frame? {
        switch try next(waitingAtMost: nil) {
        case .frame(let frame): frame
        case .closed, .timedOut: nil
        }
    }

    /// Whether a whole frame is already buffered, so that `next()` will not wait.
    package var hasBufferedFrame: Bool {
        guard end - start >= Frame.headerSize else { return false }
        let length = Int(UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: start, as: UInt32.self)))
        return end - start >= 4 + length
    }

    /// The next frame, waiting at most `timeout` for it to start arriving (once its first
    /// bytes are here, the rest is waited for however long it takes); nil waits for ever.
    /// - Throws: `BridgeError.malformedMessage` for a header that is not a frame's,
    ///   `.messageTooLarge` for a frame over `maximumPayloadSize`.
    package func next(waitingAtMost timeout: Duration?) throws(BridgeError) -> FrameArrival {
        // The socket's own receive timeout: cheaper than polling before each read. It is set
        // only between frames, and changed only when a reader wants another one.
        if start == end, timeout != receiveTimeout {
            System.setReceiveTimeout(descriptor, timeout)
            receiveTimeout = timeout
        }
        while end - start < Frame.headerSize {
            switch fill(timingOut: timeout != nil && start == end) {
            case .bytes: continue
            case .endOfFile: return .closed
            case .timedOut: return .timedOut
            }
        }
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
        guard let kind = FrameKind(rawValue: rawKind) else {
            throw .malformedMessage("unknown frame kind \(rawKind)")
        }
        start += Frame.headerSize
        var complete = true
        let payload: [UInt8]
        if payloadSize >= LargeBuffers.threshold {
            var reused = LargeBuffers.take(count: payloadSize)
            reused.withUnsafeMutableBytes { complete = readPayload(into: $0) }
            payload = reused
        } else if payloadSize == 0 {
            // Not through `unsafeUninitializedCapacity`: for no capacity it hands out the shared
            // empty array, and setting its count writes to that global from every reader thread
            // at once (a race ThreadSanitizer reports).
            payload = []
        } else {
            var storage = FrameStorage.take(capacity: payloadSize)
            let buffered = min(end - start, payloadSize)
            storage.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[start..<(start + buffered)]))
            start += buffered
            if buffered < payloadSize {
                storage.append(contentsOf: repeatElement(0, count: payloadSize - buffered))
                storage.withUnsafeMutableBytes { complete = readPayload(into: UnsafeMutableRawBufferPointer(rebasing: $0[buffered...])) }
            }
            payload = storage
        }
        // A frame cut short is a peer that died while writing: the same as a closed connection.
        return complete ? .frame(Frame(kind: kind, callID: callID, payload: payload)) : .closed
    }

    /// Fills `target` with the payload: first what is buffered, then straight from the socket.
    /// - Returns: False if the connection ended first.
    private func readPayload(into target: UnsafeMutableRawBufferPointer) -> Bool {
        let buffered = min(end - start, target.count)
        if buffered > 0 {
            target.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: buffered)
            start += buffered
        }
        var filled = buffered
        while filled < target.count {
            guard case .bytes(let read) = receive(into: UnsafeMutableRawBufferPointer(rebasing: target[filled...]), timingOut: false) else {
                return false
            }
            filled += read
        }
        return true
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
        while true {
            let received = System.receive(descriptor, into: target)
            if case .timedOut = received, !timingOut { continue }
            return received
        }
    }
}
