import Foundation

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
    /// - Parameters:
    ///   - holdingReadingRole: The caller reads for everyone; it must keep reading while the
    ///     socket takes no more (see `write(_:as:until:)`).
    ///   - mayBeHandedReading: The caller is a blocked thread, to which the reading role may
    ///     pass while it writes: it takes the role up there (see `OutboxWriter`).
    ///   - deadline: The time limit of the sender's call, if it has one: a writer still
    ///     waiting for room then hands the rest to a thread of its own and returns.
    func send(
        _ frame: consuming _WireWriter, kind: FrameKind, callID: UInt32, holdingReadingRole: Bool = false,
        mayBeHandedReading: Bool = false, until deadline: Moment? = nil
    ) {
        var writer = OutboxWriter(callID: callID, reads: holdingReadingRole, mayBeHandedReading: mayBeHandedReading)
        var frame = frame
        frame.setFrameHeader(kind, callID: callID)
        let writing = outbox.withLock { outbox -> (writesFrame: Bool, batch: [UInt8])? in
            if outbox.writing {
                outbox.frames += frame.bytes
                return nil
            }
            outbox.writing = true
            let writesFrame = outbox.frames.isEmpty
            if !writesFrame { outbox.frames += frame.bytes }
            return (writesFrame, outbox.takeSpare())
        }
        guard let (writesFrame, batch) = writing else {
            // Copied into the outbox: the frame's own storage is free.
            FrameStorage.keepSent(frame.takeBytes())
            return
        }
        if writesFrame {
            let finished = frame.bytes.withUnsafeBytes { write($0, as: &writer, until: deadline) }
            FrameStorage.keepSent(frame.takeBytes())
            guard finished else { return }
        } else {
            FrameStorage.keepSent(frame.takeBytes())
        }
        writeOutbox(using: batch, as: writer, until: deadline)
    }

    /// Sends a call while others are in flight: the frame waits in the outbox while the
    /// tasks that are ready to run get to add theirs, and the batch goes in one write, which
    /// the host answers with one write.
    ///
    /// A task whose call goes out now (it writes the batch, or a thread writing now takes its
    /// frame) takes the reading role if nobody holds it (`takeReadingForBatch`), before the
    /// write: a writer that waits for room while nobody reads could wait for ever on a host
    /// that waits for room for its replies.
    ///
    /// Only a task on the concurrency pool waits a turn before it writes the batch. On an
    /// actor, the turn would put the write behind whatever else waits for the actor: a busy
    /// main actor held up every call that had joined the batch until it got back to it.
    /// - Parameter onPool: The caller runs on the concurrency pool, not on an actor.
    /// - Returns: Whether the caller holds the reading role, and reads its own reply.
    nonisolated(nonsending) func sendInBatch(
        _ frame: inout _WireWriter, callID: UInt32, onPool: Bool, until deadline: Moment?
    ) async -> Bool {
        frame.setFrameHeader(.call, callID: callID)
        let joining = outbox.withLock { $0.join(frame.bytes) }
        FrameStorage.keepSent(frame.takeBytes())  // copied into the outbox
        switch joining {
        case .joinsScheduledFlush:
            return false
        case .joinsWriter:
            return takeReadingForBatch(callID)
        case .flushes:
            if onPool { await Task.yield() }
            let reads = takeReadingForBatch(callID)
            if let batch = outbox.withLock({ $0.startFlush() }) {
                writeOutbox(using: batch, as: OutboxWriter(callID: callID, reads: reads), until: deadline)
            }
            return reads
        }
    }

    /// Takes the reading role for `callID`'s batch if nobody holds it (see
    /// `ConnectionState.takeReadingForBatch`).
    private func takeReadingForBatch(_ callID: UInt32) -> Bool {
        switch changingReaders({ $0.takeReadingForBatch(callID) }) {
        case .reads:
            return true
        case .waits(let handOff):
            perform(handOff)
            return false
        }
    }

    /// Writes what the outbox holds until it is empty, as its one writer, so that frames
    /// never interleave on the socket and no sender waits for another's write.
    /// - Parameters:
    ///   - batch: An empty buffer whose storage the writer reuses.
    ///   - writer: Whose call the writer's is, and whether it reads for everyone.
    ///   - deadline: The writer's own call's time limit (see `write(_:as:until:)`).
    func writeOutbox(using batch: consuming [UInt8], as writer: OutboxWriter, until deadline: Moment?) {
        var writer = writer
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
            let finished = batch.withUnsafeBytes { write($0, as: &writer, until: deadline) }
            guard finished else { return }
            batch.removeAll(keepingCapacity: true)
        }
    }

    /// How long a writer waits for room at a time before it looks again at its call's time
    /// limit and its task's cancellation.
    static let roomWaitSlice = Duration.milliseconds(20)
    /// How long a blocked caller's thread that may be handed the reading role while it writes
    /// waits for room at a time before it looks (`OutboxWriter.mayBeHandedReading`).
    static let roleLookSlice = Duration.milliseconds(1)

    /// Writes all of `bytes`, or, once the writer's call is out of time or its task is
    /// cancelled while the other process takes no more (stopped, or busy), hands the rest and
    /// the outbox to a thread that finishes them (`handOff`): frames cannot be cut short, and
    /// the caller must be free to fail its call. The thread ends when the bytes are written,
    /// or when the host's end closes (it exits, is killed, or `stop()` ends it).
    ///
    /// A writer that also reads for everyone must not just wait for room: the host may be
    /// waiting too, to write replies that nobody else would read. So while the socket takes
    /// no more, it reads: frames for others go to their waiters; its own reply (its call may
    /// be written already, with others' frames still to go) is kept for `readOwnReply`. A
    /// blocked caller's thread that is handed the role while it writes reads from then on.
    /// - Parameters:
    ///   - writer: Whose call the writer's is, and whether it reads for everyone; updated when
    ///     the role passes to it.
    ///   - deadline: The writer's call's time limit; nil for none.
    /// - Returns: False when the rest was handed off: the caller is no longer the writer.
    func write(_ bytes: UnsafeRawBufferPointer, as writer: inout OutboxWriter, until deadline: Moment?) -> Bool {
        var written = 0
        while written < bytes.count {
            switch transport.sendWithoutWaiting(UnsafeRawBufferPointer(rebasing: bytes[written...])) {
            case .bytes(let count):
                written += count
            case .failed:
                return true  // the read that follows sees the end
            case .wouldBlock:
                let now = Moment.now
                if deadline.map({ $0 <= now }) ?? false || Task.isCancelled {
                    handOff(UnsafeRawBufferPointer(rebasing: bytes[written...]))
                    return false
                }
                let slice = deadline.map { min(Self.roomWaitSlice, $0 - now) } ?? Self.roomWaitSlice
                if writer.mayBeHandedReading && !writer.reads, state.withLock({ $0.reader == .caller(writer.callID) }) {
                    writer.takeUpReading()
                }
                guard let reader = writer.reader else {
                    // A blocked caller's thread looks often whether the role has come to it:
                    // then nobody else reads, and the host may wait for room for its replies.
                    let wait = writer.mayBeHandedReading ? min(slice, Self.roleLookSlice) : slice
                    // Gone: the read that follows sees the end.
                    guard transport.waitForRoom(atMost: wait) else { return true }
                    continue
                }
                guard transport.waitUntilReadableOrWritable(atMost: slice) == .readable else { continue }
                switch try? transport.nextFrame(waitingAtMost: slice) {
                case .frame(let frame)?:
                    // Only the first: what follows a reply is its stream's.
                    if frame.callID == reader && replyReadWhileWriting == nil {
                        replyReadWhileWriting = frame
                    } else {
                        deliver(frame)
                    }
                case .timedOut?:
                    continue  // part of a frame: kept for the next read
                case .closed?, nil:
                    return true  // the read that follows sees the end, or the malformed frame
                }
            }
        }
        return true
    }

    /// Finishes a write that its caller gave up waiting for, and then the outbox, on a thread
    /// of its own, as the outbox's writer: the caller goes on to fail its call.
    private func handOff(_ rest: UnsafeRawBufferPointer) {
        let rest = [UInt8](rest)
        let ended = OneShot<Void>()
        lateWrites.withLock { $0.append(ended) }
        let thread = Thread { [self] in
            var writer = OutboxWriter.lateWriter
            let finished = rest.withUnsafeBytes { write($0, as: &writer, until: nil) }
            if finished { writeOutbox(using: [], as: writer, until: nil) }
            _ = ended.set(())
        }
        thread.name = "swift-process-bridge late writer"
        thread.start()
    }

    /// Whether every late writer this connection started has ended, waiting at most `timeout`;
    /// for tests.
    package func lateWritesEnded(within timeout: Duration) async -> Bool {
        for ended in lateWrites.withLock({ $0 }) where await ended.wait(timeout: timeout) == nil { return false }
        return true
    }
}
