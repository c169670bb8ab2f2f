import Dispatch
import Foundation

/// The parent's end of a bridge: sends calls, matches replies to callers by call id, and fails
/// every waiting caller at once when the host goes away. Used by generated clients.
///
/// Reading the socket is a role one party holds at a time. A caller that finds nobody reading
/// takes the role and reads its own reply, so a lone call costs what a raw socket round trip
/// costs: no thread hop on the way back. On the way it delivers the replies of other callers.
/// In a process on one CPU, the task that sends a batch of calls made at once reads it so
/// (`CallCompany`).
/// With its reply in hand it passes the role to a blocked caller that still waits, or to the
/// connection's own reader: one of a few reader threads that serve every bridge of the process
/// (`ConnectionReaders`), or, when they are all busy, the process's event loop
/// (`BridgeEventLoop`). The loop also watches each host's end (its pidfd) whoever reads, so a
/// host death is seen at once even with no call in flight; it watches a connection's socket
/// only while it reads it itself: a waiter on the socket would make every reply pay for waking
/// it in vain.
/// While a stream that a call returned is open, the role never goes to nobody: the own reader
/// reads its elements when no caller reads.
///
/// A host calls the objects the parent passed it through a connection of the same kind on the
/// side channel, where a reader thread of its own reads everything: it also takes the parent's
/// cancels and stream credits, which come whenever they come.
///
/// The bytes travel through a `FrameTransport` (today `SocketTransport`), which knows nothing
/// of calls. The connection's state and its rules are `ConnectionState`; reading (the reading role, the
/// event loop's turns, the end) is in `BridgeConnection+Reading.swift`, writing (the outbox,
/// batches, a writer that must read while the socket is full) in `BridgeConnection+Writing.swift`.
public final class _BridgeConnection: Sendable {
    typealias HandOff = ConnectionState.HandOff

    /// How long a task that reads its own reply waits before it hands reading to the own
    /// reader and suspends: long enough for a quick call to finish, short enough that a slow
    /// one holds a pool thread only briefly.
    static let ownReplyWait = Duration.milliseconds(1)

    let peer: any ConnectionPeer
    /// Carries the frames to and from the other process.
    let transport: any FrameTransport
    /// Where cancels go and where passed objects are served from; nil on the host's side.
    let side: SideChannel?
    /// Where the descriptors that frames carry go and come from.
    let descriptors: DescriptorChannel?
    /// Who reads when no caller reads its own reply.
    let ownReading: OwnReading
    /// The role holder's own reply when it came while the holder was still writing; used only
    /// by the party that holds the reading role.
    nonisolated(unsafe) var replyReadWhileWriting: Frame?
    let wakeUp: WakeUpSignal
    let events: (@Sendable (BridgeEvent) -> Void)?
    /// The largest payload sent (and accepted, for a connection made with it). Set again only
    /// by `limitMessagesSent(to:)`, before the connection carries a call.
    nonisolated(unsafe) private(set) var maximumMessageSize: Int
    let callTimeout: Duration?
    let state: Locked<ConnectionState>
    /// Frames waiting to be written, and who writes them.
    let outbox = Locked(Outbox())
    /// Set as each late writer (`handOff`) ends.
    let lateWrites = Locked<[OneShot<Void>]>([])
    /// For the connection that a supervised bridge's client holds: the calls of its clients go
    /// to whichever host the relay picks (this connection's host while it serves, a
    /// replacement after it). Nil for every other connection, whose calls go to its own host.
    let relay: HostRelay?

    /// - Parameters:
    ///   - socket: The parent's end of the bridge; the connection owns it.
    ///   - wakeUp: The wake-up signal the event loop watches; the connection owns it.
    ///   - peer: The process at the other end.
    ///   - side: The parent's end of the side channel, for the connection to a host.
    ///   - descriptors: The bridge's descriptor channel, which the descriptors that frames
    ///     carry go over (`BridgeFileDescriptor`); without it, a frame cannot carry any.
    ///   - sharedMemory: The rings the frames go through, the socket then their doorbell;
    ///     nil: the socket carries them.
    ///   - ownReading: Who reads when no caller reads its own reply.
    ///   - maximumMessageSize: The largest payload sent or accepted.
    ///   - callTimeout: How long a call waits for its reply before it fails; nil waits for ever.
    ///   - events: Told of each call, if set.
    ///   - relay: Where this connection's clients' calls go instead, for the connection that a
    ///     supervised bridge's client holds (its first host's): see `HostRelay`.
    ///   - tracksOverdueCalls: Keep the calls abandoned for their time limit until their late
    ///     replies come (`ConnectionState.overdue`), for a bridge with a restart policy.
    ///   - loneTasksReadTheirReplies: A task whose call is the only one reads its own reply
    ///     (false for a pool's hosts: see `ConnectionState`).
    ///   - batchesCalls: Calls that tasks make at once go out in batches that their sender
    ///     reads (`CallCompany`).
    package init(
        socket: FileDescriptor, wakeUp: WakeUpSignal, peer: any ConnectionPeer, side: SideChannel? = nil,
        descriptors: DescriptorChannel? = nil, sharedMemory: SharedMemoryChannel? = nil, ownReading: OwnReading = .shared,
        maximumMessageSize: Int = Frame.maximumPayloadSize, callTimeout: Duration? = nil,
        events: (@Sendable (BridgeEvent) -> Void)? = nil, relay: HostRelay? = nil, tracksOverdueCalls: Bool = false,
        loneTasksReadTheirReplies: Bool = true, batchesCalls: Bool = false
    ) {
        self.relay = relay
        self.transport = SocketTransport(
            socket, descriptors: descriptors, sharedMemory: sharedMemory, maximumPayloadSize: maximumMessageSize)
        self.peer = peer
        self.side = side
        self.descriptors = descriptors
        self.ownReading = ownReading
        self.callTimeout = callTimeout
        self.maximumMessageSize = maximumMessageSize
        self.wakeUp = wakeUp
        self.events = events
        self.state = Locked(
            ConnectionState(
                readsOnlyOnThread: ownReading.isDedicatedThread, tracksOverdueCalls: tracksOverdueCalls,
                loneTasksReadTheirReplies: loneTasksReadTheirReplies, batches: batchesCalls && loneTasksReadTheirReplies))
    }

    deinit {
        System.close(wakeUp)
    }

    /// Whether a thread of the connection's own reads everything, all the time.
    var readsOnlyOnThread: Bool { ownReading.isDedicatedThread }

    /// Has the process's event loop watch this connection (its wake-up signal and its host's
    /// end), or starts the connection's own reader thread (`OwnReading.dedicatedThread`).
    /// Call once, before the first call.
    /// - Throws: `SystemError` if the event loop cannot be made (out of descriptors).
    package func startReading() throws(SystemError) {
        guard readsOnlyOnThread else {
            try BridgeEventLoop.shared.watch(self)
            return
        }
        let thread = Thread { [self] in readOnThread() }
        thread.name = "swift-process-bridge reader, \(peer.name)"
        thread.start()
    }

    // MARK: Calls

    /// Calls a method and waits for its reply.
    ///
    /// It runs on the caller's executor (`nonisolated(nonsending)`), so that a caller on the
    /// main actor or another actor writes its call and reads its own reply there, with no hop
    /// to the concurrency pool and back. Such a read waits at most `ownReplyWait` before the
    /// call suspends, so the caller's thread is never held for long.
    /// - Parameters:
    ///   - interface: The bridged protocol.
    ///   - method: The method's index in `interface.signatures`.
    ///   - object: The object called: the host's real object, or one the parent passed.
    ///   - arguments: Encodes the arguments.
    ///   - result: Decodes the result.
    nonisolated(nonsending) public func call<Result>(
        _ interface: _BridgeInterfaceDescription,
        _ method: Int,
        on object: _BridgeRemoteObject,
        arguments: (inout _WireWriter) throws -> Void,
        result: (inout _WireReader) throws -> Result
    ) async throws -> Result {
        try await call(interface, method, on: object, arguments: arguments, result: result, reportedAs: .signature)
    }

    /// `call(_:_:on:arguments:result:)`, reported to `BridgeOptions.events` as `report` says:
    /// by another name than the method's signature (a distributed call's function), or not at
    /// all (a call the user never made).
    nonisolated(nonsending) package func call<Result>(
        _ interface: _BridgeInterfaceDescription,
        _ method: Int,
        on object: _BridgeRemoteObject,
        arguments: (inout _WireWriter) throws -> Void,
        result: (inout _WireReader) throws -> Result,
        reportedAs report: CallReport
    ) async throws -> Result {
        let signature = interface.signatures[method]
        return try await reporting(report.name(for: signature)) {
            try Task.checkCancellation()
            if let relay {
                return try await relay.route(signature) { connection in
                    let reply = try await connection.exchange(try connection.callFrame(interface, method, object, arguments), method: signature)
                    return try connection.decodeReply(reply, method: signature, result)
                }
            }
            let reply = try await exchange(try callFrame(interface, method, object, arguments), method: signature)
            return try decodeReply(reply, method: signature, result)
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
        let signature = interface.signatures[method]
        return try reporting(signature) {
            if let relay {
                // Not waiting for a host when the call would not be sent.
                if BlockingCancellation().isCancelled { throw CancellationError() }
                return try relay.routeBlocking(signature) { connection in
                    let reply = try connection.exchangeBlocking(try connection.callFrame(interface, method, object, arguments), method: signature)
                    return try connection.decodeReply(reply, method: signature, result)
                }
            }
            let reply = try exchangeBlocking(try callFrame(interface, method, object, arguments), method: signature)
            return try decodeReply(reply, method: signature, result)
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
    nonisolated(nonsending) public func callStream<Element>(
        _ interface: _BridgeInterfaceDescription,
        _ method: Int,
        on object: _BridgeRemoteObject,
        arguments: (inout _WireWriter) throws -> Void,
        element: @escaping @Sendable (inout _WireReader) throws -> Element
    ) async throws -> AsyncThrowingStream<Element, any Error> {
        guard let relay else { return try await callStreamHere(interface, method, on: object, arguments: arguments, element: element) }
        // The stream stays with the host that opened it, and ends with it; its consumer is
        // advised as a caller is.
        return try await relay.route(interface.signatures[method]) { connection in
            try await connection.callStreamHere(interface, method, on: object, arguments: arguments, element: element, advising: relay.advised)
        }
    }

    /// `callStream` on this connection's own host.
    nonisolated(nonsending) func callStreamHere<Element>(
        _ interface: _BridgeInterfaceDescription,
        _ method: Int,
        on object: _BridgeRemoteObject,
        arguments: (inout _WireWriter) throws -> Void,
        element: @escaping @Sendable (inout _WireReader) throws -> Element,
        advising advised: (@Sendable (BridgeError) -> BridgeError)? = nil
    ) async throws -> AsyncThrowingStream<Element, any Error> {
        let signature = interface.signatures[method]
        let inbox = StreamInbox(method: signature)
        var callID: UInt32?
        try await reporting(signature) {
            do {
                try Task.checkCancellation()
                let reply = try await exchange(try callFrame(interface, method, object, arguments), method: signature, stream: inbox) {
                    callID = $0
                }
                try decodeReply(reply, method: signature) { _ in }
            } catch {
                // Nothing more comes for a call that failed; a cancelled one was told to the host.
                if let callID { _ = state.withLock { $0.closeStream(callID) } }
                throw error
            }
        }
        guard let callID else { preconditionFailure("a stream's call returned without an id") }
        let consumer = StreamConsumer(connection: self, callID: callID, inbox: inbox, decode: element, advising: advised)
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

    /// Sends a call and waits for its reply, reading it itself when it is the only call, or
    /// when it sends a batch of calls and nobody reads (`ConnectionState.takeReadingForBatch`).
    /// - Parameters:
    ///   - stream: Where the stream the call returns goes, registered with the call.
    ///   - registered: Told the call's id once it has one.
    nonisolated(nonsending) func exchange(
        _ frame: consuming _WireWriter, method signature: String, stream: StreamInbox? = nil,
        registered: (UInt32) -> Void = { _ in }
    ) async throws -> Frame {
        var frame = frame
        let deadline = callTimeout.map { Moment.now + $0 }
        let onPool = Self.runsOnPool(#isolation)
        let large = frame.bytes.count >= LargeBuffers.threshold
        let registration = try changingReaders { state throws(BridgeError) in
            try state.registerTask(method: signature, stream: stream, onPool: onPool, large: large)
        }
        perform(registration.handOff)
        let (callID, readsOwnReply, goesOutWithOthers) = (registration.callID, registration.readsOwnReply, registration.goesOutWithOthers)
        registered(callID)
        if let callTimeout, callTimeout <= .zero {
            // No time at all: the call is not sent, so that no reply another party reads can
            // win the race with the time limit.
            perform(changingReaders { $0.withdraw(callID) })
            throw timedOut(signature)
        }
        // A caller that will block its thread reading must not leave its frame to a task
        // that needs a pool thread to run.
        let reads: Bool
        if goesOutWithOthers && !readsOwnReply {
            reads = await sendInBatch(&frame, callID: callID, onPool: onPool, until: deadline)
        } else {
            reads = readsOwnReply
            send(consume frame, kind: .call, callID: callID, holdingReadingRole: readsOwnReply, until: deadline)
        }
        guard reads else {
            return try await awaitReply(callID, method: signature, handingOverReading: false, until: deadline)
        }
        switch readOwnReply(callID, method: signature, waitingAtMost: Self.ownReplyWait, until: deadline) {
        case .reply(let frame): return frame
        case .ended(let error): throw error
        case .handOver: return try await awaitReply(callID, method: signature, handingOverReading: true, until: deadline)
        }
    }

    /// Whether a caller with this isolation runs on the concurrency pool (on no actor).
    ///
    /// A function of its own rather than `#isolation == nil` in place: Swift 6.3.1 crashes
    /// compiling that comparison in a `nonisolated(nonsending)` function.
    @inline(never) private static func runsOnPool(_ isolation: (any Actor)?) -> Bool { isolation == nil }

    /// Changes `state` where who reads may change (a call registers, an own reader takes the
    /// role), and tells the transport whether a lone call is in flight now
    /// (`FrameTransport.noteLoneCall(_:)`), under the same lock, so that the last word is the
    /// true one.
    func changingReaders<Result, Failure: Error>(
        _ body: (inout ConnectionState) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try state.withLock { state throws(Failure) in
            let result = try body(&state)
            transport.noteLoneCall(state.isLoneCall)
            return result
        }
    }

    /// Sends a call and blocks until its reply arrives, reading it itself unless another
    /// caller reads.
    func exchangeBlocking(_ frame: consuming _WireWriter, method signature: String) throws -> Frame {
        let deadline = callTimeout.map { Moment.now + $0 }
        // As an async call: a call from a cancelled task is not sent (also one handed a host
        // by a supervised bridge in the instant its task was cancelled).
        let cancellation = BlockingCancellation()
        if cancellation.isCancelled { throw CancellationError() }
        let callID: UInt32
        var blocked: BlockingReply?
        switch try changingReaders({ state throws(BridgeError) in try state.registerThread(method: signature, reply: nil) }) {
        case .reads(let id):
            callID = id
        case .waits:
            preconditionFailure("a caller that gave no BlockingReply was made to wait on one")
        case .needsReply:
            let reply = BlockingReply()
            switch try changingReaders({ state throws(BridgeError) in try state.registerThread(method: signature, reply: reply) }) {
            case .reads(let id):
                callID = id
            case .waits(let id):
                callID = id
                blocked = reply
            case .needsReply:
                preconditionFailure("a caller that gave a BlockingReply was asked for one")
            }
        }
        if let deadline, deadline <= Moment.now {
            // No time at all (a zero callTimeout, or a thread that ran late): the call is not
            // sent, so no reply can win the race with the time limit.
            if blocked == nil || !giveUpWaiting(callID, overdue: false) { stopReading(for: callID) }
            throw timedOut(signature)
        }
        send(frame, kind: .call, callID: callID, holdingReadingRole: blocked == nil, mayBeHandedReading: true, until: deadline)
        var handedOver = false
        while let reply = blocked {
            switch reply.wait(until: handedOver ? nil : cancellation.nextLook(before: deadline)) {
            case .reply(let delivered)?: return try delivered.get()
            case .lead?: blocked = nil
            case nil:
                guard let stop = cancellation.reasonToStop(deadline: deadline) else { continue }
                if giveUpWaiting(callID, overdue: stop == .outOfTime) {
                    sendCancel(callID)
                    throw stop.error(timedOut: timedOut(signature))
                }
                // The reply, or the reading role, is being handed over right now: take it.
                handedOver = true
            }
        }
        while true {
            switch readOwnReply(callID, method: signature, waitingAtMost: nil, until: deadline, lookingEvery: cancellation.look) {
            case .reply(let frame): return frame
            case .ended(let error): throw error
            case .handOver:
                // Still holding the reading role: nobody read the reply yet.
                guard let stop = cancellation.reasonToStop(deadline: deadline) else { continue }
                perform(state.withLock { $0.stopReading(for: callID, overdue: stop == .outOfTime) })
                sendCancel(callID)
                throw stop.error(timedOut: timedOut(signature))
            }
        }
    }

    /// A blocked caller ran out of time, or its task was cancelled: it stops waiting unless
    /// its reply or the reading role was just handed to it.
    /// - Parameter overdue: The call was sent and ran out of time: its reply is overdue from
    ///   now on.
    /// - Returns: Whether it stopped waiting.
    func giveUpWaiting(_ callID: UInt32, overdue: Bool) -> Bool {
        state.withLock { $0.giveUpWaiting(callID, overdue: overdue) }
    }

    /// The calls abandoned for their time limit whose replies have not come: the host may
    /// still run them.
    var overdueCalls: Set<UInt32> { state.withLock { $0.overdue } }

    /// How many calls wait for their replies now: for tests.
    var callsInFlight: Int { state.withLock { $0.pending.count } }

    func timedOut(_ method: String) -> BridgeError {
        .timedOut("'\(method)' got no reply within \(callTimeout ?? .zero) (BridgeOptions.callTimeout); the call was abandoned and the host told to cancel it, though work there that does not check for cancellation runs on. Raise the timeout, or find out what keeps the host busy.", method: method)
    }

    /// The error of a stream's consumer that waited `callTimeout` for an element.
    func elementTimedOut(_ method: String) -> BridgeError {
        .timedOut("the stream that '\(method)' returned sent no element within \(callTimeout ?? .zero) (BridgeOptions.callTimeout); the stream was ended, and the host told to stop producing it.", method: method)
    }

    /// A call frame: the object's id, the method's id, then its arguments; the header is
    /// filled in on sending. Objects among the arguments are passed through the side channel.
    /// - Throws: `BridgeError.messageTooLarge` for arguments over the limit: nothing is sent,
    ///   and the connection stays usable.
    func callFrame(
        _ interface: _BridgeInterfaceDescription, _ method: Int, _ object: _BridgeRemoteObject,
        _ arguments: (inout _WireWriter) throws -> Void
    ) throws -> _WireWriter {
        var frame = _WireWriter.call(objectID: object.id, methodID: interface.methodIDs[method])
        frame.objectExporter = side
        try arguments(&frame)
        try frame.checkPayloadSize(limit: maximumMessageSize, method: interface.signatures[method])
        try sendDescriptors(of: &frame, method: interface.signatures[method])
        return frame
    }

    /// Sends the descriptors a call's arguments carry ahead of it, and names them in its frame.
    /// - Throws: `BridgeError.descriptorsNotSent` when they cannot go within the call's time
    ///   limit: the call is not sent.
    private func sendDescriptors(of frame: inout _WireWriter, method: String) throws(BridgeError) {
        do {
            try frame.sendDescriptors(over: descriptors, waitingAtMost: callTimeout)
        } catch {
            throw .descriptorsNotSent(method: method, error)
        }
    }

    /// Waits for the host to say that it has started and waits for its hello (`.ready`).
    /// - Throws: `BridgeError.interfaceMismatch` for a host that speaks another wire version;
    ///   what a call would throw when the host exits first, or the wait is cancelled.
    package func awaitReady() async throws {
        let registration = try state.withLock { state throws(BridgeError) in try state.registerTask(method: nil) }
        perform(registration.handOff)
        let answer = try await awaitReply(0, method: nil, handingOverReading: false)
        guard answer.kind == .ready else {
            throw BridgeError.malformedMessage("the host's first message is a \(answer.kind) frame, not the ready of a host of this version")
        }
        var payload = answer.payloadReader
        let version = try? payload.readUInt32LittleEndian()
        guard version == Frame.wireVersion else {
            throw BridgeError.interfaceMismatch("the host speaks wire version \(version.map(String.init) ?? "?"), this parent \(Frame.wireVersion): build both from the same version of swift-process-bridge")
        }
    }

    /// Sends the hello frame and waits for the host's answer to it.
    package func handshake(_ hello: Hello) async throws -> Frame {
        let frame = try _WireWriter.helloFrame(hello)
        let registration = try state.withLock { state throws(BridgeError) in try state.registerTask(method: nil) }
        perform(registration.handOff)
        send(consume frame, kind: .hello, callID: 0)
        return try await awaitReply(0, method: nil, handingOverReading: false)
    }

    /// Lowers the largest payload this connection sends, for the host's side channel, which the
    /// host makes before its hello says the limit (see `HostSession`). Call before the
    /// connection carries any call: the value is read without a lock.
    package func limitMessagesSent(to size: Int) {
        maximumMessageSize = size
    }

    /// Sends a frame with no payload (stop; a pong), ignoring a closed connection.
    package func sendControl(_ kind: FrameKind, callID: UInt32 = 0) {
        send(_WireWriter.frame(), kind: kind, callID: callID)
    }

    /// Makes every later call fail with `BridgeError.stopped`; calls already sent still get
    /// their replies.
    package func beginStopping() {
        state.withLock { $0.beginStopping() }
    }

    /// Makes whoever reads see the end of the connection, as if the host had closed it; with
    /// nobody reading, an own reader reads it, and reaps the host (killing it if it does not
    /// exit within a second).
    package func disconnect() {
        transport.shutDown()
        state.withLock { $0.disconnect() }
        ConnectionReaders.shared.wake(self)
    }

    /// Ends the connection because the host misbehaved: calls waiting and later fail with
    /// `error`, and the host is killed (it is not trusted with another call) and reaped.
    package func endBecauseMalformed(_ error: BridgeError) {
        refuseCalls(with: error)
        peer.endForMisbehaving()
        disconnect()
    }

    func decodeReply<Result>(_ reply: consuming Frame, method: String, _ decode: (inout _WireReader) throws -> Result) throws -> Result {
        let kind = reply.kind
        var reader = reply.takePayloadReader()
        // A result copies out what it needs (large `Data` aside, whose storage `FrameStorage`
        // does not keep), so the payload's storage can serve the next frame.
        defer { FrameStorage.keep(reader.takeBytes()) }
        switch kind {
        case .returned:
            do {
                return try decode(&reader)
            } catch {
                throw BridgeError.decodingFailed("the result of", method: method, error)
            }
        case .threw:
            throw thrownError(reading: reader, method: method)
        default:
            throw misbehaved(BridgeError.malformedMessage("the host answered '\(method)' with a \(kind) frame"))
        }
    }

    /// The error a `.threw` frame carries.
    func thrownError(_ frame: Frame, method: String) -> any Error {
        thrownError(reading: frame.payloadReader, method: method)
    }

    /// The error a `.threw` frame's payload carries.
    ///
    /// An envelope that cannot be read is not a value its type refused (those arrive as
    /// `remoteError`) but the bridge's own format broken: the peer is not trusted further.
    func thrownError(reading payload: _WireReader, method: String) -> any Error {
        var reader = payload
        do {
            return try reader.decode(ErrorEnvelope.self).error
        } catch {
            return misbehaved(BridgeError.malformedMessage("the error thrown by '\(method)' could not be decoded: \(error)"))
        }
    }

    /// Ends the connection for `error`, a message that broke the protocol, as its words say
    /// ("...and closed the connection"), and returns it.
    private func misbehaved(_ error: BridgeError) -> BridgeError {
        endBecauseMalformed(error)
        return error
    }

}

extension _BridgeConnection: WireObjectSource {
    /// A client that calls the parent's object `objectID` through this connection (the host's
    /// side channel).
    package func client<Client: _BridgeClient>(_ type: Client.Type, objectID: UInt32) -> Client {
        Client(_connection: self, _object: _BridgeRemoteObject(id: objectID, releasingThrough: self))
    }
}
