import Bridge

/// Serves one parent on the bridge socket: the handshake, then calls until stop or until the
/// parent goes away.
final class HostSession: Sendable {
    private let socket: FileDescriptor
    private let parent: ProcessID
    private let writing = Locked(())

    init(socket: FileDescriptor, parent: ProcessID) {
        self.socket = socket
        self.parent = parent
    }

    /// Serves until the parent stops the host or goes away; returns the exit status.
    func run() async -> Int32 {
        let reader = FrameReader(socket)
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
            return refuse(.interfaceMismatch(
                "this host executable has no bridged type '\(hello.realTypeName)'; it must be built from the same source as the caller"))
        }
        return await serve(type, hello: hello, reader: reader)
    }

    private func serve<Real: _BridgeServable>(_ type: Real.Type, hello: Hello, reader: FrameReader) async -> Int32 {
        reader.maximumPayloadSize = hello.maximumMessageSize
        if let mismatch = hello.mismatch(with: Real.BridgeClient._bridgeInterface) {
            return refuse(.interfaceMismatch(mismatch))
        }
        if hello.linesOfOutput { System.lineBufferStandardOutput() }
        if let user = hello.user {
            do {
                try IdentitySwitch(user: user, group: hello.group).apply(parent: parent)
            } catch {
                return refuse(error)
            }
        }
        if let directory = hello.workingDirectory {
            do {
                try System.changeDirectory(directory)
            } catch {
                return refuse(.startFailed("the host could not enter its working directory: \(error)"))
            }
        }
        let real: Real
        do {
            real = try Real._bridgeCreate(configuration: hello.configuration)
            if let lifecycle = real as? any BridgeLifecycle { try await lifecycle.bridgeDidStart() }
        } catch {
            reply(.threw, callID: 0) { try $0.encode(ErrorEnvelope(error)) }
            return 1
        }
        reply(.welcome, callID: 0) { _ in }

        let methods = DispatchTable(Real._bridgeMethods, boundTo: real, resultLimit: hello.maximumMessageSize)
        let concurrent = real is any BridgeConcurrentCalls
        // Replies to calls that arrived together leave together: one write for the batch.
        var batch = ReplyBatch()
        var incoming = Incoming(reader)
        let running = RunningCalls()
        while true {
            if !incoming.hasMore { batch.flush(to: self) }
            let frame: Frame?
            do {
                frame = try incoming.next()
            } catch {
                return complain("\(error)")
            }
            // The parent closed its end without a stop: it is gone, or let the bridge go.
            guard let frame else { return 0 }
            switch frame.kind {
            case .call:
                if concurrent {
                    running.start(frame.callID) { await self.perform(frame, methods) } whenDone: { self.send($0) }
                } else {
                    batch.add(await perform(frame, methods))
                }
            case .cancel:
                // A call that runs in a task of its own is cancelled; one that runs in turn
                // has ended by now, or was skipped if the cancel came before it started.
                running.cancel(frame.callID)
            case .stop:
                batch.flush(to: self)
                await running.waitForAll()
                if let lifecycle = real as? any BridgeLifecycle { await lifecycle.bridgeWillStop() }
                return 0
            default:
                return complain("the parent sent a \(frame.kind) frame, which only a host sends")
            }
        }
    }

    /// Why a call frame names no method of this host: the caller and the host disagree about the
    /// interface in a way the handshake could not see.
    static func noSuchMethod(_ frame: Frame) -> String {
        var payload = frame.payloadReader
        let id = (try? payload.readUInt64LittleEndian()).map { "0x" + String($0, radix: 16) } ?? "(missing)"
        return "the host has no method with id \(id); build the caller and the host from the same source"
    }

    /// Runs one call; returns its reply frame, header filled in.
    private func perform(_ frame: Frame, _ methods: DispatchTable) async -> _WireWriter {
        var arguments = frame.payloadReader
        guard let id = try? arguments.readUInt64LittleEndian(), let method = methods[id] else {
            return replyFrame(.threw, callID: frame.callID) {
                try $0.encode(ErrorEnvelope(BridgeError.interfaceMismatch(Self.noSuchMethod(frame))))
            }
        }
        var result = _WireWriter.frame()
        do {
            try await method.invoke(&arguments, &result)
        } catch {
            return replyFrame(.threw, callID: frame.callID) { try $0.encode(ErrorEnvelope(error)) }
        }
        do {
            try result.checkPayloadSize(limit: methods.resultLimit, method: method.signature)
        } catch {
            return replyFrame(.threw, callID: frame.callID) {
                try $0.encode(ErrorEnvelope(BridgeError.resultTooLarge(method: method.signature, size: result.bytes.count - Frame.headerSize, limit: methods.resultLimit)))
            }
        }
        result.setFrameHeader(.returned, callID: frame.callID)
        return result
    }

    private func reply(_ kind: FrameKind, callID: UInt32, _ payload: (inout _WireWriter) throws -> Void) {
        send(replyFrame(kind, callID: callID, payload))
    }

    /// A reply frame, header filled in; a payload that cannot be encoded becomes an error reply.
    private func replyFrame(_ kind: FrameKind, callID: UInt32, _ payload: (inout _WireWriter) throws -> Void) -> _WireWriter {
        var frame = _WireWriter.frame()
        var kind = kind
        do {
            try payload(&frame)
        } catch {
            frame = _WireWriter.frame()
            kind = .threw
            try? frame.encode(ErrorEnvelope(BridgeError.malformedMessage("the host could not encode its reply: \(error)")))
        }
        frame.setFrameHeader(kind, callID: callID)
        return frame
    }

    fileprivate func send(_ frame: consuming _WireWriter) {
        var frame = frame
        // A failed write means the parent is gone; the next read sees it and ends the host.
        writing.withLock { _ in _ = try? socket.send(frame) }
        LargeBuffers.recycle(frame.takeBytes())
    }

    fileprivate func send(_ bytes: [UInt8]) {
        writing.withLock { _ in _ = try? bytes.withUnsafeBytes { try System.sendAll(socket, $0) } }
    }

    /// Tells the parent why the host will not serve it, and returns the exit status.
    private func refuse(_ error: BridgeError) -> Int32 {
        reply(.refused, callID: 0) { try $0.encode(error) }
        return 1
    }

    /// Reports a broken conversation on standard error and returns the exit status.
    private func complain(_ message: String) -> Int32 {
        FileDescriptor.standardError.write("swift-process-bridge host: \(message); exiting.\n")
        return 65  // EX_DATAERR
    }
}

/// The real object's methods by wire id, each bound to the object, so that serving a call
/// does not depend on the real type: the per-call path is compiled once rather than run
/// through generic metadata.
private struct DispatchTable: Sendable {
    struct Method: Sendable {
        var signature: String
        var invoke: @Sendable (inout _WireReader, inout _WireWriter) async throws -> Void
    }

    private let indexByID: [UInt64: Int]
    private let methods: [Method]
    /// The largest result a call may send back (`BridgeOptions.maximumMessageSize`).
    let resultLimit: Int

    /// - Parameter real: Called from one task at a time, or, for a type that conforms to
    ///   `BridgeConcurrentCalls` (and so to `Sendable`), from several.
    init<Real>(_ methods: [_BridgeMethod<Real>], boundTo real: Real, resultLimit: Int) {
        self.resultLimit = resultLimit
        let shared = UncheckedSendable(real)
        var indexByID: [UInt64: Int] = [:]
        for (index, method) in methods.enumerated() where indexByID[method.id] == nil {
            indexByID[method.id] = index
        }
        self.indexByID = indexByID
        self.methods = methods.map { method in
            let invoke = method.invoke
            return Method(signature: method.signature) { arguments, result in try await invoke(shared.value, &arguments, &result) }
        }
    }

    subscript(id: UInt64) -> Method? {
        indexByID[id].map { methods[$0] }
    }
}

/// The real object, which the serving loop hands to one call at a time unless its type
/// conforms to `BridgeConcurrentCalls`; the compiler cannot see either from generic code.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
/// Replies waiting to be written together.
private struct ReplyBatch {
    private var first: _WireWriter?
    private var more: [UInt8] = []

    mutating func add(_ reply: _WireWriter) {
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

/// The frames the serving loop takes, in order, except calls the parent cancelled before they
/// started: a call whose cancel is already buffered behind it is skipped. Its cancel still
/// comes through, and finds nothing to cancel.
private struct Incoming {
    private let reader: FrameReader
    private var lastTaken = ContinuousClock.now

    init(_ reader: FrameReader) { self.reader = reader }

    /// Whether a frame can be taken without waiting.
    var hasMore: Bool { reader.hasBufferedFrame }

    mutating func next() throws(BridgeError) -> Frame? {
        // After a slow call, what the parent sent meanwhile (cancels among it) is fetched now,
        // without waiting; after quick ones the buffer is fresh enough, and the read is saved.
        let now = ContinuousClock.now
        if now - lastTaken > .milliseconds(1) { reader.fillWithoutWaiting() }
        defer { lastTaken = .now }
        while true {
            guard let frame = try reader.next() else { return nil }
            guard frame.kind == .call, reader.hasBufferedFrame, reader.buffersFrame(.cancel, callID: frame.callID) else {
                return frame
            }
        }
    }
}

/// Calls that run in tasks of their own, for a real type that takes calls concurrently, so
/// that a cancel from the parent reaches the task of its call.
private final class RunningCalls: Sendable {
    private let tasks = Locked<[UInt32: Task<Void, Never>]>([:])

    func start(_ callID: UInt32, _ call: @escaping @Sendable () async -> _WireWriter, whenDone reply: @escaping @Sendable (consuming _WireWriter) -> Void) {
        tasks.withLock { tasks in
            // Registered under the lock before it can finish and remove itself.
            tasks[callID] = Task {
                reply(await call())
                _ = self.tasks.withLock { $0.removeValue(forKey: callID) }
            }
        }
    }

    func cancel(_ callID: UInt32) {
        tasks.withLock { $0[callID] }?.cancel()
    }

    func waitForAll() async {
        while let task = tasks.withLock({ $0.values.first }) {
            await task.value
        }
    }
}
