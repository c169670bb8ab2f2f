import Bridge

/// Serves one parent on the bridge socket: the handshake, then calls until stop or until the
/// parent goes away. The side channel brings the parent's cancels, and carries the host's calls
/// to objects the parent passed.
final class HostSession: Sendable {
    private let socket: FileDescriptor
    private let sideSocket: FileDescriptor
    /// Where the descriptors that calls and results carry travel, for both channels.
    private let descriptors: DescriptorChannel
    /// The rings the frames go through, when the parent made them; the socket then carries
    /// only doorbells and the end.
    private let sharedMemory: SharedMemoryChannel?
    private let parent: ProcessID
    private let writing = Lock()
    private let calls = RunningCalls()

    init(
        socket: FileDescriptor, side: FileDescriptor, descriptors: DescriptorChannel, sharedMemory: SharedMemoryChannel?,
        parent: ProcessID
    ) {
        self.sharedMemory = sharedMemory
        self.socket = socket
        self.sideSocket = side
        self.descriptors = descriptors
        self.parent = parent
    }

    /// Serves until the parent stops the host or goes away; returns the exit status.
    func run() async -> Int32 {
        let reader = FrameReader(socket, descriptors: descriptors, sharedMemory: sharedMemory)
        // Made before the hello (its reader thread takes a while to start), with the largest
        // limit; the hello's limit applies to what it sends. A failure is told after the hello.
        let side = Result { () throws(SystemError) in
            try _BridgeConnection.hostSideChannel(
                socket: sideSocket, descriptors: descriptors, parent: parent, calls: calls, maximumMessageSize: Frame.maximumPayloadSize)
        }
        // Ready before the hello, warmed up: a host launched ahead of time waits here, started,
        // until a bridge takes it (`BridgeReserve`).
        HostWarmUp.run()
        reply(.ready, callID: 0) { $0.writeUInt32LittleEndian(Frame.wireVersion) }
        let frame: Frame?
        do {
            frame = try reader.next()
        } catch {
            return complain("the first message from the parent is not a frame: \(error)")
        }
        guard let frame else { return 0 }  // The parent left before saying anything.
        guard frame.kind == .hello else {
            return complain("the parent's first message is a \(frame.kind) frame, not a hello")
        }
        var payload = frame.payloadReader
        let version = try? payload.readUInt32LittleEndian()
        guard version == Frame.wireVersion else {
            return refuse(.interfaceMismatch("the caller speaks wire version \(version.map(String.init) ?? "?"), this host speaks \(Frame.wireVersion)"))
        }
        let hello: Hello
        do {
            hello = try payload.decode(Hello.self)
        } catch {
            return refuse(.malformedMessage("the hello could not be decoded: \(error)"))
        }
        guard let type = RealTypeLookup.servable(named: hello.realType) else {
            return refuse(BridgeError(
                code: .interfaceMismatch,
                message: "Bridge host \(System.currentExecutableFile()) has no bridged type '\(hello.realTypeName)' (a type with init() that conforms to a Bridged protocol, in a target that uses the BridgeGen plugin). If the real type lives in another executable, name that one in BridgeOptions.executable; if you named the type (bridgeRealTypeName), spell it Module.Type as the host's module has it; otherwise rebuild this executable from the same source as the caller."))
        }
        return await serve(type, hello: hello, reader: reader, sideChannel: side)
    }

    private func serve<Real: _BridgeServable>(
        _ type: Real.Type, hello: Hello, reader: FrameReader, sideChannel: Result<_BridgeConnection, SystemError>
    ) async -> Int32 {
        reader.maximumPayloadSize = hello.maximumMessageSize
        if let mismatch = hello.mismatch(with: Real.BridgeClient._bridgeInterface) {
            return refuse(.interfaceMismatch(mismatch))
        }
        if hello.linesOfOutput { System.lineBufferStandardOutput() }
        do {
            try await HostPreparation.run(hello, parent: parent)
        } catch {
            return refuse(error)
        }
        let real: Real
        do {
            real = try Real._bridgeCreate(configuration: hello.configuration)
            if let lifecycle = Real._bridgeLifecycle(of: real) { try await lifecycle.bridgeDidStart() }
        } catch {
            reply(.threw, callID: 0) { try $0.encode(ErrorEnvelope(error)) }
            return 1
        }
        let side: _BridgeConnection
        switch sideChannel {
        case .success(let connection):
            side = connection
        case .failure(let error):
            return refuse(.startFailed("the host could not read its side channel: \(error)"))
        }
        side.limitMessagesSent(to: hello.maximumMessageSize)
        reply(.welcome, callID: 0) { _ in }

        let loop = ServingLoop(
            session: self, reader: reader, side: side,
            methods: BoundMethods(Real._bridgeMethods, boundTo: real, resultLimit: hello.maximumMessageSize),
            concurrent: Real._bridgeTakesConcurrentCalls,
            // Only for calls in tasks of their own: the serving task must not suspend in place.
            inPlace: Real._bridgeTakesConcurrentCalls && Real.self is any StartsCallsInPlace.Type ? ServingExecutor() : nil,
            fileSizeLimited: hello.confinement.limits.fileSize != nil)
        // Tasks that calls start (concurrent calls, but for an actor host's, which start in
        // place until they first suspend; streams' producers; the real object's own) run on
        // the pool, which the serving loop must leave free while it waits for frames
        // (`ServingThread`). Calls served in turn run in the serving task, and so do the child
        // tasks they start (`async let`, task groups), which inherit its executor: with more
        // than one CPU, they stay on the pool, where they run side by side.
        let servingThread = Real._bridgeTakesConcurrentCalls || System.runsOnOneCPU ? ServingThread() : nil
        // A cancel interrupts the call in turn by cancelling the task that runs it; serving goes
        // on in a fresh task.
        while true {
            let serving = CancellableTask()
            calls.serve(cancellingWith: serving.cancel)
            let task = Task(executorPreference: servingThread) { await loop.serve() }
            serving.set(task)
            guard let status = await task.value else { continue }
            if status == 0, let lifecycle = Real._bridgeLifecycle(of: real), loop.stopped {
                await lifecycle.bridgeWillStop()
            }
            return status
        }
    }

    fileprivate var runningCalls: RunningCalls { calls }

    private func reply(_ kind: FrameKind, callID: UInt32, _ payload: (inout _WireWriter) throws -> Void) {
        send(CallServing.replyFrame(kind, callID: callID, payload))
    }

    fileprivate func send(_ frame: consuming _WireWriter) {
        var frame = frame
        // A failed write means the parent is gone; the next read sees it and ends the host.
        writing.withLock {
            do {
                try frame.sendDescriptors(over: descriptors, waitingAtMost: nil)
            } catch {
                System.shutdown(socket)  // the parent is not left waiting for a reply that cannot come
                return
            }
            frame.bytes.withUnsafeBytes { write($0) }
        }
        FrameStorage.keepSent(frame.takeBytes())
    }

    fileprivate func send(_ bytes: [UInt8]) {
        writing.withLock { bytes.withUnsafeBytes { write($0) } }
    }

    /// Writes bytes through the rings or the socket, holding `writing`.
    private func write(_ bytes: UnsafeRawBufferPointer) {
        if let sharedMemory {
            _ = sharedMemory.sendAll(bytes)
        } else {
            _ = try? System.sendAll(socket, bytes)
        }
    }

    /// Tells the parent why the host will not serve it, and returns the exit status.
    private func refuse(_ error: BridgeError) -> Int32 {
        reply(.refused, callID: 0) { try $0.encode(error) }
        return 1
    }

    /// Reports a broken conversation on standard error and returns the exit status.
    fileprivate func complain(_ message: String) -> Int32 {
        FileDescriptor.standardError.write("swift-process-bridge host: \(message); exiting.\n")
        return 65  // EX_DATAERR
    }
}

/// Replies waiting to be written together.
private struct ReplyBatch {
    private var first: _WireWriter?
    private var more: [UInt8] = []

    mutating func add(_ reply: _WireWriter, session: HostSession) {
        if let descriptors = reply.descriptors, descriptors.count > 0 {
            // Sent alone, after what waits, once its descriptors have gone ahead.
            flush(to: session)
            session.send(reply)
            return
        }
        if first == nil {
            first = reply
        } else {
            if more.isEmpty { more = first!.bytes }
            more += reply.bytes
        }
    }

    mutating func flush(to session: HostSession) {
        guard let first = first.take() else { return }
        if more.isEmpty {
            session.send(consume first)
        } else {
            session.send(more)
            more.removeAll(keepingCapacity: true)
        }
    }
}

/// The loop that takes the parent's frames and runs its calls. It outlives the task that runs
/// it: when a cancel interrupts the call in turn, a fresh task carries on where it stopped.
private final class ServingLoop: @unchecked Sendable {  // used by one task at a time
    private let session: HostSession
    private let reader: FrameReader
    private let side: _BridgeConnection
    private let methods: BoundMethods
    private let concurrent: Bool
    /// Where concurrent calls start when they start in place (`StartsCallsInPlace`): on the
    /// serving thread, each until it first suspends; nil when they start on the global executor.
    private let inPlace: ServingExecutor?
    /// The host has a file size limit: each call lets `SIGXFSZ` through on its thread.
    private let fileSizeLimited: Bool
    // Unchecked for exclusivity (SE-0176): one task at a time uses the loop, and the run-time
    // checks would cost every call.
    /// Replies to calls that arrived together leave together: one write for the batch, while
    /// the calls' methods are quick (`quickMethods`).
    @exclusivity(unchecked) private var batch = ReplyBatch()
    /// Which methods were quick the last time they ran, for `batch`.
    @exclusivity(unchecked) private var quickMethods = QuickMethods()
    /// The parent asked the host to stop (rather than leaving).
    @exclusivity(unchecked) private(set) var stopped = false

    init(
        session: HostSession, reader: FrameReader, side: _BridgeConnection, methods: BoundMethods, concurrent: Bool,
        inPlace: ServingExecutor?, fileSizeLimited: Bool
    ) {
        self.session = session
        self.reader = reader
        self.side = side
        self.methods = methods
        self.concurrent = concurrent
        self.inPlace = inPlace
        self.fileSizeLimited = fileSizeLimited
    }

    /// Serves until the parent stops the host or goes away, and returns the exit status; or
    /// returns nil when a cancel interrupted the call in turn, for a fresh task to go on.
    func serve() async -> Int32? {
        let calls = session.runningCalls
        // In place, calls run on this thread between frames, up to this function's suspension.
        inPlace?.enter()
        defer { inPlace?.leave() }
        while true {
            if !reader.hasBufferedFrame { batch.flush(to: session) }
            var next: Frame?
            do {
                next = try reader.next()
            } catch {
                return session.complain("\(error)")
            }
            // The parent closed its end without a stop: it is gone, or let the bridge go.
            // Taken out, so that the frame's payload has one owner and its storage can be reused.
            guard let frame = next.take() else { return 0 }
            let kind = frame.kind
            switch kind {
            case .call:
                let callID = frame.callID
                guard var request = CallServing.request(in: consume frame, objectSource: side) else {
                    batch.add(refusal(naming: "no object", callID: callID), session: session)
                    continue
                }
                guard request.objectID == 0 else {
                    batch.add(refusal(naming: "object \(request.objectID)", callID: callID), session: session)
                    continue
                }
                if concurrent {
                    let session = session
                    // The runner takes the arguments' storage over: a copy left here would keep it
                    // from being reused once the call has run.
                    calls.start(callID, request.takeAll(), on: methods, executor: inPlace, lettingFileSizeSignalThrough: fileSizeLimited) {
                        session.send($0)
                    }
                    inPlace?.runQueuedJobs()
                } else {
                    // A call cancelled before it started is skipped; nobody waits for its reply.
                    guard calls.beginInTurn(callID) else { continue }
                    // Replies already made wait for this call only if its method was quick
                    // the last time it ran (`QuickMethods`).
                    let methodID = request.methodID
                    if !quickMethods.holdsReplies(for: methodID) { batch.flush(to: session) }
                    if fileSizeLimited { System.letFileSizeSignalThrough() }
                    let started = QuickMethods.now()
                    var reply = await CallServing.perform(request, callID: callID, on: methods)
                    quickMethods.ran(methodID, since: started)
                    FrameStorage.keep(request.arguments.takeBytes())
                    let stream = reply.attachedStream.take()
                    batch.add(reply, session: session)
                    if let stream {
                        // The stream's elements follow its reply, from a task of its own, while
                        // later calls are served.
                        batch.flush(to: session)
                        let session = session
                        calls.produce(stream, callID: callID) { session.send($0) }
                    }
                    calls.endInTurn()
                    if Task.isCancelled {
                        batch.flush(to: session)
                        return nil
                    }
                }
            case .stop:
                batch.flush(to: session)
                // An open stream ends with the bridge: its consumer sees `BridgeError.stopped`.
                calls.endStreams()
                inPlace?.leave()
                await calls.waitForAll()
                // The stop hook, and any task still running, can no longer call the parent.
                side.refuseCalls(with: .parentGone(method: nil))
                stopped = true
                return 0
            default:
                return session.complain("the parent sent a \(kind) frame on the bridge socket, where only a host sends it")
            }
        }
    }
}

extension ServingLoop {
    /// The reply to a call on the bridge socket to an object other than the real one.
    private func refusal(naming object: String, callID: UInt32) -> _WireWriter {
        CallServing.error(BridgeError.interfaceMismatch("a call on the bridge socket names \(object), and only the real object (0) is served there; build the caller and the host from the same source"), callID: callID)
    }
}

/// A task that can be cancelled before it exists: the cancel waits for it.
private final class CancellableTask: Sendable {
    private let state = Locked<(task: Task<Int32?, Never>?, cancelled: Bool)>((nil, false))

    func set(_ task: Task<Int32?, Never>) {
        let cancelled = state.withLock { state in
            state.task = task
            return state.cancelled
        }
        if cancelled { task.cancel() }
    }

    @Sendable func cancel() {
        let task = state.withLock { state in
            state.cancelled = true
            return state.task
        }
        task?.cancel()
    }
}
