import Foundation

extension _BridgeConnection {
    // MARK: The reading role

    /// How reading one's own reply ended.
    enum OwnReply {
        case reply(Frame)
        /// The caller still holds the reading role and must hand it over.
        case handOver
        case ended(BridgeError)
    }

    /// Reads, as the holder of the reading role, until `callID`'s reply arrives, delivering
    /// every other frame to its waiter; then hands the role on.
    /// - Parameters:
    ///   - timeout: How long to wait for a caller on the concurrency pool (or on an actor),
    ///     counted from the first frame for another caller if one comes first: a batch's sender
    ///     reads the others' replies, and must not hold its thread for as long as they keep
    ///     coming. Such a caller hands reading over when time runs out, when its task is
    ///     cancelled, and also when the connection ends, because ending reaps the host, which
    ///     may take a moment of waiting that belongs on the own reader.
    ///   - deadline: When the call runs out of time; then the caller still holds the role.
    ///   - look: For a blocking caller in a task: after this long with nothing read, it
    ///     returns, still holding the role, to look at its task (`BlockingCancellation`). A
    ///     fixed wait, not a moment: a call that gets its reply sooner reads no clock for it.
    func readOwnReply(
        _ callID: UInt32, method: String, waitingAtMost timeout: Duration?, until deadline: Moment?,
        lookingEvery look: Duration? = nil
    ) -> OwnReply {
        let onPool = timeout != nil
        // Read from the clock only once a frame for another came: a lone call reads none.
        var handOverAt: Moment?
        while true {
            let arrival: FrameArrival
            // A reply read while writing comes first, out of time or not: a caller that handed
            // the role on would leave it where nobody looks.
            if let early = replyReadWhileWriting.take() {
                arrival = .frame(early)
            } else {
                var wait = timeout ?? look
                if let handOverAt {
                    let left = handOverAt - Moment.now
                    guard left > .zero, !Task.isCancelled else { return .handOver }
                    wait = min(wait ?? left, left)
                }
                if let deadline {
                    let left = deadline - Moment.now
                    guard left > .zero else { return .handOver }
                    wait = min(wait ?? left, left)
                }
                do {
                    arrival = try transport.nextFrame(waitingAtMost: wait)
                } catch {
                    if onPool { return .handOver }
                    return .ended(end(because: error).naming(method))
                }
            }
            switch arrival {
            case .timedOut:
                if onPool || look != nil || deadline.map({ $0 <= Moment.now }) == true { return .handOver }
            case .closed:
                if onPool { return .handOver }
                return .ended(end(because: nil).naming(method))
            case .frame(let frame) where frame.callID == callID:
                // Replies that came in the same read go to their waiters now, rather than
                // waking the own reader for them.
                while transport.hasBufferedFrame, case .frame(let other)? = try? transport.nextFrame(waitingAtMost: nil) {
                    deliver(other)
                }
                stopReading(for: callID)
                return .reply(frame)
            case .frame(let frame):
                deliver(frame)
                if handOverAt == nil, let timeout { handOverAt = Moment.now + timeout }
            }
        }
    }

    /// Waits, suspended, for the reply to `callID`, which another party reads.
    /// - Parameter handingOverReading: The caller holds the reading role, and gives it up
    ///   because its reply is slow to come or the connection is ending.
    ///   - deadline: When the call fails with `BridgeError.timedOut`.
    nonisolated(nonsending) func awaitReply(
        _ callID: UInt32, method: String?, handingOverReading: Bool, until deadline: Moment? = nil
    ) async throws -> Frame {
        // Only calls with a time limit pay for a timer.
        let timer = deadline.map { deadline in
            Task { [self] in
                try await Task.sleep(until: deadline.instant)
                abandon(callID, because: timedOut(method ?? ""))  // the handshake has no deadline
            }
        }
        defer { timer?.cancel() }
        var resumedAtOnce = false
        let frame = try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { continuation in
                let suspension = state.withLock { state in
                    state.suspend(
                        callID, on: continuation, method: method, handingOverReading: handingOverReading,
                        // A cancel or a deadline that came while the caller read its own reply
                        // found no waiter to fail: it fails now, before the caller suspends.
                        isCancelled: Task.isCancelled,
                        timedOut: deadline.flatMap { $0 <= Moment.now ? timedOut(method ?? "") : nil })
                }
                let (handOff, ready, gaveUp) = (suspension.handOff, suspension.ready, suspension.gaveUp)
                perform(handOff)
                if gaveUp { sendCancel(callID) }
                if let ready {
                    resumedAtOnce = true
                    continuation.resume(with: ready)
                }
            }
        } onCancel: {
            cancel(callID)
        }
        // Whoever read the frame handed it over under `state`'s lock. Taking the lock once
        // makes that hand-over visible to ThreadSanitizer, which cannot see the synchronization
        // inside the concurrency runtime that resumed this task; and a task resumed with its
        // reply is counted until it runs (`ConnectionState.resumedTasks`).
        state.withLock { state in
            if !resumedAtOnce { state.resumedTaskRuns() }
        }
        return frame
    }

    /// Ends the call of the caller that holds the reading role, and hands the role on.
    func stopReading(for callID: UInt32) {
        perform(state.withLock { $0.stopReading(for: callID) })
    }

    func perform(_ handOff: HandOff) {
        switch handOff {
        case .nothing: break
        case .lead(let reply): reply.deliver(.lead)
        case .wakeOwnReader: ConnectionReaders.shared.wake(self)
        }
    }

    /// Hands a frame to the caller waiting for it, or to the stream it belongs to; a reply
    /// nobody waits for belongs to a cancelled call, and an element nobody waits for to a
    /// stream whose consumer left: both are dropped.
    func deliver(_ frame: Frame) {
        if frame.kind == .element || frame.kind == .finished {
            deliverToStream(frame)
            return
        }
        // Replies first: the check costs them nothing, and binding the closure would cost them a
        // retain and a release each.
        if frame.kind != .returned && frame.kind != .threw, case .dedicatedThread(let otherFrames) = ownReading {
            otherFrames(frame)
            return
        }
        switch state.withLock({ $0.replyArrived(frame) }) {
        case .waiter(let waiter): waiter.resume(with: .success(frame))
        case .stream: deliverToStream(frame)
        case .nowhere: break
        case .neverIssued:
            // Whoever reads next sees the end; every waiting call fails with this.
            endBecauseMalformed(.malformedMessage("a reply for call \(frame.callID), which was never made, from \(peer.name)"))
        }
    }

    /// Hands an element to its stream, or ends the stream with `.finished` or `.threw`.
    func deliverToStream(_ frame: Frame) {
        let ends = frame.kind != .element
        let inbox = state.withLock { $0.stream(frame.callID, ends: ends) }
        guard let inbox else { return }
        switch frame.kind {
        case .element: inbox.receive(frame)
        case .finished: inbox.finish(throwing: nil)
        default: inbox.finish(throwing: thrownError(frame, method: inbox.method))
        }
    }

    /// The caller stopped waiting: it gets `CancellationError` now, and the host is told. A
    /// caller that reads its own reply notices when its wait runs out.
    func cancel(_ callID: UInt32) {
        abandon(callID, because: CancellationError())
    }

    /// Fails a task's call with `error` now, and tells the host; a reply already here wins.
    func abandon(_ callID: UInt32, because error: any Error) {
        let waiter = state.withLock { $0.abandon(callID, because: error) }
        guard let waiter else { return }
        waiter.resume(with: .failure(error))
        sendCancel(callID)
    }

    // MARK: The own reader

    /// Reads every frame until the end of the connection, on a thread of its own: a host's
    /// side channel, whose reader takes the parent's cancels and credits whenever they come.
    func readOnThread() {
        _ = readForOthers(untilTheEnd: false)
    }

    /// Reads as the connection's own reader on a reader thread (`ConnectionReaders`), if the
    /// role is its to take, until nothing waits or the connection ends.
    func readAsOwnReader() {
        guard case .read(let untilTheEnd) = ownReaderWakes() else { return }
        _ = readForOthers(untilTheEnd: untilTheEnd)
    }

    /// Reads, as the holder of the reading role, while calls wait, then gives the role up;
    /// waits for bytes, so only on a thread that serves this connection alone for now.
    /// - Parameter untilTheEnd: The connection was shut down: read what the host sent before
    ///   that, then end the connection.
    /// - Returns: False once the connection has ended.
    func readForOthers(untilTheEnd: Bool) -> Bool {
        while true {
            if !untilTheEnd && !readsOnlyOnThread && !transport.hasBufferedFrame {
                if state.withLock({ $0.ownReaderIdles() }) { return true }
            }
            let arrival: FrameArrival
            do {
                arrival = try transport.nextFrame(waitingAtMost: nil)
            } catch {
                _ = end(because: error)
                return false
            }
            guard case .frame(let frame) = arrival else {
                _ = end(because: nil)
                return false
            }
            deliver(frame)
        }
    }

    // MARK: On the event loop

    /// An own reader woke for this connection: a reader thread given the role, or the event
    /// loop for the connection's wake-up signal, sent when no reader thread was free.
    func ownReaderWakes() -> ConnectionState.OwnReaderTurn {
        changingReaders { $0.ownReaderWoke() }
    }

    /// What reading on the event loop came to.
    enum LoopRead {
        /// Nothing waits: the loop gave the reading role up.
        case idle
        /// The socket holds no whole frame yet: the loop waits for it to be readable.
        case waiting
        /// The connection ended (on a thread of its own); the loop forgets it.
        case ended
    }

    /// Reads, as the event loop holding the reading role, what the socket holds now,
    /// delivering it; never waits for bytes, since the loop serves every bridge.
    /// - Parameter untilTheEnd: Read to the end of the connection (it was shut down, so the
    ///   end comes after what the host sent), then end it.
    func readWithoutWaiting(untilTheEnd: Bool) -> LoopRead {
        while true {
            if !untilTheEnd && !transport.hasBufferedFrame && state.withLock({ $0.ownReaderIdles() }) { return .idle }
            let arrival: FrameArrival
            do {
                arrival = try transport.nextFrameWithoutWaiting()
            } catch {
                endOffTheLoop(because: error)
                return .ended
            }
            switch arrival {
            case .frame(let frame):
                deliver(frame)
            case .timedOut:
                return .waiting
            case .closed:
                endOffTheLoop(because: nil)
                return .ended
            }
        }
    }

    /// Ends the connection on a thread of its own: reaping may wait for the host, and the end
    /// tells `BridgeOptions.events`, whose handler may take its time.
    private func endOffTheLoop(because error: BridgeError?) {
        Thread { [self] in _ = end(because: error) }.start()
    }

    // MARK: The end

    /// Ends the connection after the reading role holder saw its end (or a malformed frame):
    /// reaps the host, stops serving the objects passed to it, and fails every waiting call.
    /// - Returns: Why the connection ended, for the caller that saw it.
    func end(because error: BridgeError?) -> BridgeError {
        let disconnected = peer.disconnected(malformed: error != nil)
        side?.close()
        let ending = state.withLock { $0.end(because: error, disconnected: disconnected) }
        let closure = ending.closure
        System.signal(wakeUp)  // the event loop forgets the connection
        for pending in ending.failed {
            pending.waiter.resume(with: .failure(closure.error(for: pending.method)))
        }
        for stream in ending.streams {
            stream.finish(throwing: closure.error(for: stream.method))
        }
        return closure.error(for: nil)
    }
}
