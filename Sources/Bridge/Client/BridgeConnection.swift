import Dispatch
import Foundation

/// The parent's end of a bridge: sends calls, matches replies to callers by call id, and fails
/// every waiting caller at once when the host goes away. Used by generated clients.
///
/// Reading the socket is a role one party holds at a time. A caller that finds nobody reading
/// takes the role and reads its own reply, so a lone call costs what a raw socket round trip
/// costs: no thread hop on the way back. On the way it delivers the replies of other callers.
/// With its reply in hand it passes the role to a blocked caller that still waits, or to the
/// connection's reader thread. That thread sleeps otherwise, woken only by such a hand-over or
/// by the host's end, so a host death is seen at once even with no call in flight. It watches
/// for the host process to end (a pidfd) rather than for the socket to close where it can: a
/// thread waiting on the socket puts itself on the socket's wait queue, and every reply then
/// pays for waking it in vain.
/// While a stream that a call returned is open, the role never goes to nobody: the reader
/// thread reads its elements when no caller reads.
///
/// A host calls the objects the parent passed it through a connection of the same kind on the
/// side channel, where the reader thread reads everything: it also takes the parent's cancels
/// and stream credits, which come whenever they come.
public final class _BridgeConnection: Sendable {
    private typealias HandOff = ConnectionState.HandOff

    /// How long a task that reads its own reply waits before it hands reading to the reader
    /// thread and suspends: long enough for a quick call to finish, short enough that a slow
    /// one holds a pool thread only briefly.
    private static let ownReplyWait = Duration.milliseconds(1)

    private let peer: any ConnectionPeer
    private let socket: FileDescriptor
    /// Where cancels go and where passed objects are served from; nil on the host's side.
    private let side: SideChannel?
    /// Whether only the reader thread reads, all the time.
    private let readsOnlyOnThread: Bool
    /// Takes the frames that are not replies, when only the reader thread reads.
    private let otherFrames: (@Sendable (Frame) -> Void)?
    /// Used only by the party that holds the reading role.
    private nonisolated(unsafe) let frames: FrameReader
    /// The role holder's own reply when it came while the holder was still writing; used only
    /// by the party that holds the reading role.
    private nonisolated(unsafe) var replyReadWhileWriting: Frame?
    private let wakeUp: WakeUpSignal
    /// What ends the reader thread's sleep when the host goes away.
    private let peerEnd: System.PeerEnd
    private let events: (@Sendable (BridgeEvent) -> Void)?
    private let maximumMessageSize: Int
    private let callTimeout: Duration?
    private let state: Locked<ConnectionState>
    /// Frames waiting to be written, and who writes them.
    private let outbox = Locked(Outbox())

    /// - Parameters:
    ///   - socket: The parent's end of the bridge; the connection owns it.
    ///   - wakeUp: The reader thread's wake-up signal; the connection owns it.
    ///   - peer: The process at the other end.
    ///   - side: The parent's end of the side channel, for the connection to a host.
    ///   - otherFrames: Given, only the reader thread reads, and takes every frame that is not
    ///     a reply to this connection's calls to this closure.
    ///   - maximumMessageSize: The largest payload sent or accepted.
    ///   - callTimeout: How long a call waits for its reply before it fails; nil waits for ever.
    ///   - events: Told of each call, if set.
    package init(
        socket: FileDescriptor, wakeUp: WakeUpSignal, peer: any ConnectionPeer, side: SideChannel? = nil,
        otherFrames: (@Sendable (Frame) -> Void)? = nil,
        maximumMessageSize: Int = Frame.maximumPayloadSize, callTimeout: Duration? = nil,
        events: (@Sendable (BridgeEvent) -> Void)? = nil
    ) {
        self.socket = socket
        self.peer = peer
        self.side = side
        self.readsOnlyOnThread = otherFrames != nil
        self.otherFrames = otherFrames
        self.callTimeout = callTimeout
        self.maximumMessageSize = maximumMessageSize
        self.frames = FrameReader(socket, maximumPayloadSize: maximumMessageSize)
        self.wakeUp = wakeUp
        self.peerEnd = peer.exitDescriptor.map { .exit($0) } ?? .closing(socket)
        self.events = events
        self.state = Locked(ConnectionState(readsOnlyOnThread: otherFrames != nil))
    }

    deinit {
        System.close(socket)
        System.close(wakeUp)
    }

    /// Starts the thread that reads when no caller does. Call once, before the first call.
    package func startReading() {
        let thread = Thread { [self] in readAsThread() }
        thread.name = "swift-process-bridge reader, \(peer.name)"
        thread.start()
    }

    // MARK: Calls

    /// Calls a method and waits for its reply.
    /// - Parameters:
    ///   - interface: The bridged protocol.
    ///   - method: The method's index in `interface.signatures`.
    ///   - object: The object called: the host's real object, or one the parent passed.
    ///   - arguments: Encodes the arguments.
    ///   - result: Decodes the result.
    public func call<Result>(
        _ interface: _BridgeInterfaceDescription,
        _ method: Int,
        on object: _BridgeRemoteObject,
        arguments: (inout _WireWriter) throws -> Void,
        result: (inout _WireReader) throws -> Result
    ) async throws -> Result {
        let start = events == nil ? nil : Moment.now
        do {
            try Task.checkCancellation()
            let signature = interface.signatures[method]
            let reply = try await exchange(try callFrame(interface, method, object, arguments), method: signature)
            let value = try decodeReply(reply, method: signature, result)
            if let start { report(interface.signatures[method], since: start, .returned) }
            return value
        } catch {
            if let start { report(interface.signatures[method], since: start, BridgeCallOutcome(error)) }
            throw error
        }
    }

    /// Calls a method and blocks the calling thread until its reply arrives.
    public func callBlocking<Result>(
        _ interface: _BridgeInterfaceDescription,
        _ method: Int,
        on object: _BridgeRemoteObject,
        arguments: (inout _WireWriter) throws -> Void,
        result: (inout _WireReader) throws -> Result
    ) throws -> Result {
        let start = events == nil ? nil : Moment.now
        do {
            let signature = interface.signatures[method]
            let reply = try exchangeBlocking(try callFrame(interface, method, object, arguments), method: signature)
            let value = try decodeReply(reply, method: signature, result)
            if let start { report(interface.signatures[method], since: start, .returned) }
            return value
        } catch {
            if let start { report(interface.signatures[method], since: start, BridgeCallOutcome(error)) }
            throw error
        }
    }

    /// Calls a method that returns a stream, and returns the stream once the method has
    /// returned it in the host.
    ///
    /// The elements arrive in the order the host produced them, each as soon as it is sent;
    /// the host sends at most `StreamCredit.window` elements more than the consumer has taken.
    /// The stream ends with the host's stream, with its error, with `BridgeError.hostExited`
    /// or `.stopped` when the bridge ends; the host stops producing when the consuming task
    /// is cancelled (the stream then throws `CancellationError`) or the stream is dropped.
    /// - Parameters:
    ///   - interface: The bridged protocol.
    ///   - method: The method's index in `interface.signatures`.
    ///   - object: The object called: the host's real object, or one the parent passed.
    ///   - arguments: Encodes the arguments.
    ///   - element: Decodes one element.
    /// - Throws: What the method threw before it returned a stream, or `BridgeError` as
    ///   `call` does.
    public func callStream<Element>(
        _ interface: _BridgeInterfaceDescription,
        _ method: Int,
        on object: _BridgeRemoteObject,
        arguments: (inout _WireWriter) throws -> Void,
        element: @escaping @Sendable (inout _WireReader) throws -> Element
    ) async throws -> AsyncThrowingStream<Element, any Error> {
        let start = events == nil ? nil : Moment.now
        let signature = interface.signatures[method]
        let inbox = StreamInbox(method: signature)
        var callID: UInt32?
        do {
            try Task.checkCancellation()
            let reply = try await exchange(try callFrame(interface, method, object, arguments), method: signature, stream: inbox) {
                callID = $0
            }
            try decodeReply(reply, method: signature) { _ in }
            if let start { report(signature, since: start, .returned) }
        } catch {
            // Nothing more comes for a call that failed; a cancelled one was told to the host.
            if let callID { _ = state.withLock { $0.closeStream(callID) } }
            if let start { report(signature, since: start, BridgeCallOutcome(error)) }
            throw error
        }
        guard let callID else { preconditionFailure("a stream's call returned without an id") }
        let consumer = StreamConsumer(connection: self, callID: callID, inbox: inbox, decode: element)
        return AsyncThrowingStream { try await consumer.next() }
    }

    /// The consumer of a stream leaves: if the stream is still open, the host is told to stop
    /// producing it, and what it still sends is dropped.
    func leaveStream(_ callID: UInt32, _ inbox: StreamInbox) {
        if state.withLock({ $0.closeStream(callID, inbox) }) { sendCancel(callID) }
    }

    /// Lets the producer of an open stream send `count` more elements.
    func grant(_ count: UInt32, toStream callID: UInt32, _ inbox: StreamInbox) {
        guard state.withLock({ $0.isOpen(callID, inbox) }) else { return }
        sendToCallee(.credit, callID: callID) { $0.writeUInt32LittleEndian(count) }
    }

    private func report(_ method: String, since start: Moment, _ outcome: BridgeCallOutcome) {
        events?(.call(method: method, duration: Moment.now - start, outcome: outcome))
    }

    /// Sends a call and waits for its reply, reading it itself when it is the only call.
    /// - Parameters:
    ///   - stream: Where the stream the call returns goes, registered with the call.
    ///   - registered: Told the call's id once it has one.
    private func exchange(
        _ frame: consuming _WireWriter, method signature: String, stream: StreamInbox? = nil,
        registered: (UInt32) -> Void = { _ in }
    ) async throws -> Frame {
        var frame = frame
        let deadline = callTimeout.map { Moment.now + $0 }
        let registration = try state.withLock { state throws(BridgeError) in try state.registerTask(method: signature, stream: stream) }
        perform(registration.handOff)
        let (callID, readsOwnReply, othersInFlight) = (registration.callID, registration.readsOwnReply, registration.othersInFlight)
        registered(callID)
        // A caller that will block its thread reading must not leave its frame to a task
        // that needs a pool thread to run.
        if othersInFlight && !readsOwnReply {
            await sendTogether(&frame, callID: callID)
        } else {
            send(consume frame, kind: .call, callID: callID, holdingReadingRole: readsOwnReply)
        }
        guard readsOwnReply else {
            return try await awaitReply(callID, method: signature, handingOverReading: false, until: deadline)
        }
        switch readOwnReply(callID, method: signature, waitingAtMost: Self.ownReplyWait, until: deadline) {
        case .reply(let frame): return frame
        case .ended(let error): throw error
        case .handOver: return try await awaitReply(callID, method: signature, handingOverReading: true, until: deadline)
        }
    }

    /// Sends a call and blocks until its reply arrives, reading it itself unless another
    /// caller reads.
    private func exchangeBlocking(_ frame: consuming _WireWriter, method signature: String) throws -> Frame {
        let deadline = callTimeout.map { Moment.now + $0 }
        let callID: UInt32
        var blocked: BlockingReply?
        switch try state.withLock({ state throws(BridgeError) in try state.registerThread(method: signature, reply: nil) }) {
        case .reads(let id):
            callID = id
        case .waits:
            preconditionFailure("a caller that gave no BlockingReply was made to wait on one")
        case .needsReply:
            let reply = BlockingReply()
            switch try state.withLock({ state throws(BridgeError) in try state.registerThread(method: signature, reply: reply) }) {
            case .reads(let id):
                callID = id
            case .waits(let id):
                callID = id
                blocked = reply
            case .needsReply:
                preconditionFailure("a caller that gave a BlockingReply was asked for one")
            }
        }
        send(frame, kind: .call, callID: callID, holdingReadingRole: blocked == nil)
        var waitingUntil = deadline
        while let reply = blocked {
            switch reply.wait(until: waitingUntil) {
            case .reply(let delivered)?: return try delivered.get()
            case .lead?: blocked = nil
            case nil:
                if giveUpWaiting(callID) { throw abandonedForTime(callID, signature) }
                // The reply, or the reading role, is being handed over right now: take it.
                waitingUntil = nil
            }
        }
        switch readOwnReply(callID, method: signature, waitingAtMost: nil, until: deadline) {
        case .reply(let frame): return frame
        case .ended(let error): throw error
        case .handOver:
            // Out of time, still holding the reading role.
            stopReading(for: callID)
            throw abandonedForTime(callID, signature)
        }
    }

    /// Tells the host a blocked caller gave up on its call; returns the caller's error.
    private func abandonedForTime(_ callID: UInt32, _ method: String) -> BridgeError {
        sendCancel(callID)
        return timedOut(method)
    }

    /// A blocked caller ran out of time: it stops waiting unless its reply or the reading
    /// role was just handed to it.
    /// - Returns: Whether it stopped waiting.
    private func giveUpWaiting(_ callID: UInt32) -> Bool {
        state.withLock { $0.giveUpWaiting(callID) }
    }

    private func timedOut(_ method: String) -> BridgeError {
        .timedOut("'\(method)' got no reply within \(callTimeout ?? .zero) (BridgeOptions.callTimeout); the call was abandoned, though the host may still run it. Raise the timeout, or find out what keeps the host busy.", method: method)
    }

    /// A call frame: the object's id, the method's id, then its arguments; the header is
    /// filled in on sending. Objects among the arguments are passed through the side channel.
    /// - Throws: `BridgeError.messageTooLarge` for arguments over the limit: nothing is sent,
    ///   and the connection stays usable.
    private func callFrame(
        _ interface: _BridgeInterfaceDescription, _ method: Int, _ object: _BridgeRemoteObject,
        _ arguments: (inout _WireWriter) throws -> Void
    ) throws -> _WireWriter {
        var frame = _WireWriter.call(objectID: object.id, methodID: interface.methodIDs[method])
        frame.objectExporter = side
        try arguments(&frame)
        try frame.checkPayloadSize(limit: maximumMessageSize, method: interface.signatures[method])
        return frame
    }

    /// Sends the hello frame and waits for the host's answer to it.
    package func handshake(_ hello: Hello) async throws -> Frame {
        let frame = try _WireWriter.helloFrame(hello)
        let registration = try state.withLock { state throws(BridgeError) in try state.registerTask(method: nil) }
        perform(registration.handOff)
        send(consume frame, kind: .hello, callID: 0)
        return try await awaitReply(0, method: nil, handingOverReading: false)
    }

    /// Sends a frame with call id 0 and no payload (stop), ignoring a closed connection.
    package func sendControl(_ kind: FrameKind) {
        send(_WireWriter.frame(), kind: kind, callID: 0)
    }

    /// Makes every later call fail with `BridgeError.stopped`; calls already sent still get
    /// their replies.
    package func beginStopping() {
        state.withLock { $0.beginStopping() }
    }

    /// Makes whoever reads see the end of the connection, as if the host had closed it; with
    /// nobody reading, the reader thread reads it, and reaps the host (killing it if it does
    /// not exit within a second).
    package func disconnect() {
        System.shutdown(socket)
        state.withLock { $0.disconnect() }
        System.signal(wakeUp)
    }

    // MARK: The reading role

    private enum OwnReply {
        case reply(Frame)
        /// The caller still holds the reading role and must hand it over.
        case handOver
        case ended(BridgeError)
    }

    /// Reads, as the holder of the reading role, until `callID`'s reply arrives, delivering
    /// every other frame to its waiter; then hands the role on.
    /// - Parameters:
    ///   - timeout: How long to wait for each frame, for a caller on the concurrency pool.
    ///     Such a caller hands reading over when time runs out, and also when the connection
    ///     ends, because ending reaps the host, which may take a moment of waiting that
    ///     belongs on the reader thread.
    ///   - deadline: When the call runs out of time; then the caller still holds the role.
    private func readOwnReply(
        _ callID: UInt32, method: String, waitingAtMost timeout: Duration?, until deadline: Moment?
    ) -> OwnReply {
        let onPool = timeout != nil
        while true {
            var wait = timeout
            if let deadline {
                let left = deadline - Moment.now
                guard left > .zero else { return .handOver }
                wait = min(wait ?? left, left)
            }
            let arrival: FrameArrival
            do {
                if let early = replyReadWhileWriting.take() {
                    arrival = .frame(early)
                } else {
                    arrival = try frames.next(waitingAtMost: wait)
                }
            } catch {
                if onPool { return .handOver }
                return .ended(end(because: error).naming(method))
            }
            switch arrival {
            case .timedOut:
                if onPool || deadline.map({ $0 <= Moment.now }) == true { return .handOver }
            case .closed:
                if onPool { return .handOver }
                return .ended(end(because: nil).naming(method))
            case .frame(let frame) where frame.callID == callID:
                // Replies that came in the same read go to their waiters now, rather than
                // waking the reader thread for them.
                while frames.hasBufferedFrame, case .frame(let other)? = try? frames.next(waitingAtMost: nil) {
                    deliver(other)
                }
                stopReading(for: callID)
                return .reply(frame)
            case .frame(let frame):
                deliver(frame)
            }
        }
    }

    /// Waits, suspended, for the reply to `callID`, which another party reads.
    /// - Parameter handingOverReading: The caller holds the reading role, and gives it up
    ///   because its reply is slow to come or the connection is ending.
    ///   - deadline: When the call fails with `BridgeError.timedOut`.
    private func awaitReply(
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
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            cancel(callID)
        }
        // Whoever read the frame handed it over under `state`'s lock. Taking the lock once
        // makes that hand-over visible to ThreadSanitizer, which cannot see the synchronization
        // inside the concurrency runtime that resumed this task.
        state.withLock { _ in }
        return frame
    }

    /// Ends the call of the caller that holds the reading role, and hands the role on.
    private func stopReading(for callID: UInt32) {
        perform(state.withLock { $0.stopReading(for: callID) })
    }

    private func perform(_ handOff: HandOff) {
        switch handOff {
        case .nothing: break
        case .lead(let reply): reply.deliver(.lead)
        case .wakeThread: System.signal(wakeUp)
        }
    }

    /// Hands a frame to the caller waiting for it, or to the stream it belongs to; a reply
    /// nobody waits for belongs to a cancelled call, and an element nobody waits for to a
    /// stream whose consumer left: both are dropped.
    private func deliver(_ frame: Frame) {
        if frame.kind == .element || frame.kind == .finished {
            deliverToStream(frame)
            return
        }
        if let otherFrames, frame.kind != .returned && frame.kind != .threw {
            otherFrames(frame)
            return
        }
        switch state.withLock({ $0.replyArrived(frame) }) {
        case .waiter(let waiter): waiter.resume(with: .success(frame))
        case .stream: deliverToStream(frame)
        case .nowhere: break
        }
    }

    /// Hands an element to its stream, or ends the stream with `.finished` or `.threw`.
    private func deliverToStream(_ frame: Frame) {
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
    private func cancel(_ callID: UInt32) {
        abandon(callID, because: CancellationError())
    }

    /// Fails a task's call with `error` now, and tells the host; a reply already here wins.
    private func abandon(_ callID: UInt32, because error: any Error) {
        let waiter = state.withLock { $0.abandon(callID, because: error) }
        guard let waiter else { return }
        waiter.resume(with: .failure(error))
        sendCancel(callID)
    }

    /// Tells the callee that nobody waits for the call, or for its stream, any more.
    private func sendCancel(_ callID: UInt32) {
        sendToCallee(.cancel, callID: callID)
    }

    /// Sends a frame about a call (a cancel, a stream's credit) on the side channel, which a
    /// host reads while it runs calls, when there is one; else on this connection's socket.
    private func sendToCallee(_ kind: FrameKind, callID: UInt32, _ body: (inout _WireWriter) -> Void = { _ in }) {
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
    private func send(_ frame: consuming _WireWriter, kind: FrameKind, callID: UInt32, holdingReadingRole: Bool = false) {
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
    private func sendTogether(_ frame: inout _WireWriter, callID: UInt32) async {
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
    private func writeOutbox(using batch: consuming [UInt8], readingFor reader: UInt32?) {
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
    private func write(_ bytes: UnsafeRawBufferPointer, readingFor reader: UInt32?) {
        guard let reader else {
            _ = try? System.sendAll(socket, bytes)
            return
        }
        var written = 0
        while written < bytes.count {
            switch System.sendWithoutWaiting(socket, UnsafeRawBufferPointer(rebasing: bytes[written...])) {
            case .bytes(let count):
                written += count
            case .failed:
                return  // the read that follows sees the end
            case .wouldBlock:
                guard System.waitUntilReadableOrWritable(socket) else { continue }
                guard case .frame(let frame)? = try? frames.next(waitingAtMost: nil) else { return }
                // Only the first: what follows a reply is its stream's.
                if frame.callID == reader && replyReadWhileWriting == nil {
                    replyReadWhileWriting = frame
                } else {
                    deliver(frame)
                }
            }
        }
    }

    private func decodeReply<Result>(_ reply: consuming Frame, method: String, _ decode: (inout _WireReader) throws -> Result) throws -> Result {
        let kind = reply.kind
        var reader = _WireReader(bytes: reply.takePayload())
        // A result copies out what it needs (large `Data` aside, whose storage `FrameStorage`
        // does not keep), so the payload's storage can serve the next frame.
        defer { FrameStorage.keep(reader.takeBytes()) }
        switch kind {
        case .returned:
            do {
                return try decode(&reader)
            } catch {
                throw BridgeError.malformedMessage("the result of '\(method)' could not be decoded: \(error)")
            }
        case .threw:
            throw thrownError(reading: reader, method: method)
        default:
            throw BridgeError.malformedMessage("the host answered '\(method)' with a \(kind) frame")
        }
    }

    /// The error a `.threw` frame carries.
    private func thrownError(_ frame: Frame, method: String) -> any Error {
        thrownError(reading: frame.payloadReader, method: method)
    }

    /// The error a `.threw` frame's payload carries.
    private func thrownError(reading payload: _WireReader, method: String) -> any Error {
        var reader = payload
        do {
            return try reader.decode(ErrorEnvelope.self).error
        } catch {
            return BridgeError.malformedMessage("the error thrown by '\(method)' could not be decoded: \(error)")
        }
    }

    // MARK: The reader thread

    private func readAsThread() {
        if readsOnlyOnThread {
            _ = readForOthers(untilTheEnd: false)
            return
        }
        while true {
            guard let watching = state.withLock({ $0.readerThreadSleeps() }) else { return }
            let peerGone = System.wait(for: wakeUp, orPeerEnd: watching ? peerEnd : nil)
            switch state.withLock({ $0.readerThreadWoke(peerGone: peerGone) }) {
            case .exit: return
            case .sleep: continue
            case .read(let untilTheEnd): if !readForOthers(untilTheEnd: untilTheEnd) { return }
            }
        }
    }

    /// Reads, as the holder of the reading role, while calls wait, then gives the role up.
    /// - Parameter untilTheEnd: The host closed its end: read what it sent before that, then
    ///   end the connection.
    /// - Returns: False once the connection has ended.
    private func readForOthers(untilTheEnd: Bool) -> Bool {
        while true {
            if !untilTheEnd && !readsOnlyOnThread && !frames.hasBufferedFrame {
                if state.withLock({ $0.readerThreadIdles() }) { return true }
            }
            let arrival: FrameArrival
            do {
                arrival = try frames.next(waitingAtMost: nil)
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

    // MARK: The end

    /// Ends the connection after the reading role holder saw its end (or a malformed frame):
    /// reaps the host, stops serving the objects passed to it, and fails every waiting call.
    /// - Returns: Why the connection ended, for the caller that saw it.
    private func end(because error: BridgeError?) -> BridgeError {
        let disconnected = peer.disconnected(malformed: error != nil)
        side?.close()
        let ending = state.withLock { $0.end(because: error, disconnected: disconnected) }
        let closure = ending.closure
        System.signal(wakeUp)  // the reader thread exits
        for pending in ending.failed {
            pending.waiter.resume(with: .failure(closure.error(for: pending.method)))
        }
        for stream in ending.streams {
            stream.finish(throwing: closure.error(for: stream.method))
        }
        return closure.error(for: nil)
    }
}
