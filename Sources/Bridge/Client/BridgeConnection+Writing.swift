extension _BridgeConnection {
    // MARK: Writing

    /// Tells the callee that nobody waits for the call, or for its stream, any more.
    func sendCancel(_ callID: UInt32) {
        sendToCallee(.cancel, callID: callID)
    }

    /// Sends a frame about a call (a cancel, a stream's credit) on the side channel, which a
    /// host reads while it runs calls, when there is one; else on this connection's socket.
    func sendToCallee(_ kind: FrameKind, callID: UInt32, _ body: (inout _WireWriter) -> Void = { _ in }) {
        if let side {
            side.send(kind, callID: callID, body)
        } else {
            var frame = _WireWriter.frame()
            body(&frame)
            send(frame, kind: kind, callID: callID)
        }
    }

    /// How many objects passed to the host the host still holds.
    package var passedObjectCount: Int { side?.exportedCount ?? 0 }

    /// Tells the parent that the host no longer holds the object it passed as `objectID`.
    package func release(objectID: UInt32) {
        var frame = _WireWriter.frame()
        frame.writeUInt32LittleEndian(objectID)
        send(frame, kind: .release, callID: 0)
    }

    /// Makes every later call fail with `error`; calls already sent still get their replies.
    package func refuseCalls(with error: BridgeError) {
        state.withLock { $0.refuseCalls(with: error) }
    }

    /// Sends a frame now, or, while another thread writes, leaves it to that writer. A failed
    /// write needs no handling here: it means the host's end is closed, and whoever reads,
    /// seeing the same, fails every waiting call.
    /// - Parameter holdingReadingRole: The caller reads for everyone; it must keep reading
    ///   while the socket takes no more (see `write(_:readingFor:)`).
    func send(_ frame: consuming _WireWriter, kind: FrameKind, callID: UInt32, holdingReadingRole: Bool = false) {
        let reader = holdingReadingRole ? callID : nil
        var frame = frame
        frame.setFrameHeader(kind, callID: callID)
        let writer = outbox.withLock { outbox -> (writesFrame: Bool, batch: [UInt8])? in
            if outbox.writing {
                outbox.frames += frame.bytes
                return nil
            }
            outbox.writing = true
            let writesFrame = outbox.frames.isEmpty
            if !writesFrame { outbox.frames += frame.bytes }
            return (writesFrame, outbox.takeSpare())
        }
        guard let (writesFrame, batch) = writer else {
            // Copied into the outbox: the frame's own storage is free.
            FrameStorage.keepSent(frame.takeBytes())
            return
        }
        if writesFrame {
            frame.bytes.withUnsafeBytes { write($0, readingFor: reader) }
        }
        FrameStorage.keepSent(frame.takeBytes())
        writeOutbox(using: batch, readingFor: reader)
    }

    /// Sends a call while others are in flight: the frame waits in the outbox while the
    /// tasks that are ready to run get to add theirs, and the batch goes in one write, which
    /// the host answers with one write.
    nonisolated(nonsending) func sendTogether(_ frame: inout _WireWriter, callID: UInt32) async {
        frame.setFrameHeader(.call, callID: callID)
        let schedules = outbox.withLock { outbox -> Bool in
            outbox.frames += frame.bytes
            guard !outbox.flushScheduled && !outbox.writing else { return false }
            outbox.flushScheduled = true
            return true
        }
        FrameStorage.keepSent(frame.takeBytes())  // copied into the outbox
        guard schedules else { return }
        await Task.yield()
        let batch = outbox.withLock { outbox -> [UInt8]? in
            outbox.flushScheduled = false
            guard !outbox.writing else { return nil }
            outbox.writing = true
            return outbox.takeSpare()
        }
        if let batch { writeOutbox(using: batch, readingFor: nil) }
    }

    /// Writes what the outbox holds until it is empty, as its one writer, so that frames
    /// never interleave on the socket and no sender waits for another's write.
    /// - Parameter batch: An empty buffer whose storage the writer reuses.
    /// - Parameter reader: The call id of the writer's own call if it holds the reading role.
    func writeOutbox(using batch: consuming [UInt8], readingFor reader: UInt32?) {
        var batch = batch
        while true {
            let done = outbox.withLock { outbox -> Bool in
                guard !outbox.frames.isEmpty else {
                    outbox.writing = false
                    outbox.spare = batch
                    return true
                }
                swap(&outbox.frames, &batch)
                return false
            }
            if done { return }
            batch.withUnsafeBytes { write($0, readingFor: reader) }
            batch.removeAll(keepingCapacity: true)
        }
    }

    /// Writes all of `bytes`. A writer that also reads for everyone must not just wait for
    /// room: the host may be waiting too, to write replies that nobody else would read. So
    /// while the socket takes no more, it reads: frames for others go to their waiters; its
    /// own reply (its call may be written already, with others' frames still to go) is kept
    /// for `readOwnReply`.
    /// - Parameter reader: The call id of the writer's own call if it holds the reading role.
    func write(_ bytes: UnsafeRawBufferPointer, readingFor reader: UInt32?) {
        guard let reader else {
            _ = transport.sendAll(bytes)
            return
        }
        var written = 0
        while written < bytes.count {
            switch transport.sendWithoutWaiting(UnsafeRawBufferPointer(rebasing: bytes[written...])) {
            case .bytes(let count):
                written += count
            case .failed:
                return  // the read that follows sees the end
            case .wouldBlock:
                guard transport.waitUntilReadableOrWritable() else { continue }
                guard case .frame(let frame)? = try? transport.nextFrame(waitingAtMost: nil) else { return }
                // Only the first: what follows a reply is its stream's.
                if frame.callID == reader && replyReadWhileWriting == nil {
                    replyReadWhileWriting = frame
                } else {
                    deliver(frame)
                }
            }
        }
    }
}
