import Dispatch
import Foundation
import Synchronization

/// The parent's end of a bridge: sends calls, matches replies to callers by call id, and fails
/// every waiting caller at once when the host goes away. Used by generated clients.
///
/// A dedicated thread reads the socket; it is the only reader, and it reaps the host when
/// the socket closes, so a host death is seen within milliseconds whether or not a call is
/// in flight.
public final class _BridgeConnection: Sendable {
    private enum Waiter: Sendable {
        case task(CheckedContinuation<Frame, any Error>)
        case thread(BlockingReply)

        func resume(with result: Result<Frame, any Error>) {
            switch self {
            case .task(let continuation): continuation.resume(with: result)
            case .thread(let reply): reply.deliver(result)
            }
        }
    }

    private struct Pending: Sendable {
        var waiter: Waiter
        /// The method's signature, to name it in errors; nil for the handshake.
        var method: String?
    }

    /// Why the connection no longer carries calls.
    private enum Closure: Sendable {
        case stopping
        case ended(BridgeError)

        func error(for method: String?) -> BridgeError {
            switch self {
            case .stopping: .stopped(method: method)
            case .ended(let error): error.naming(method)
            }
        }
    }

    private struct State: Sendable {
        var pending: [UInt32: Pending] = [:]
        var closure: Closure?
    }

    package let host: HostProcess
    private let socket: FileDescriptor
    private let state = Mutex(State())
    private let writing = Mutex(())
    private let nextCallID = Atomic<UInt32>(1)

    package init(socket: FileDescriptor, host: HostProcess) {
        self.socket = socket
        self.host = host
    }

    deinit { System.close(socket) }

    /// Starts the thread that reads replies. Call once, before the first call.
    package func startReading() {
        let thread = Thread { [self] in readReplies() }
        thread.name = "swift-process-bridge reader \(host.id)"
        thread.start()
    }

    // MARK: Calls

    /// Calls a method and waits for its reply without blocking a thread.
    /// - Parameters:
    ///   - interface: The bridged protocol.
    ///   - method: The method's index in `interface.signatures`.
    ///   - arguments: Encodes the arguments.
    ///   - result: Decodes the result.
    public func call<Result>(
        _ interface: _BridgeInterfaceDescription,
        _ method: Int,
        arguments: (inout _WireWriter) throws -> Void,
        result: (inout _WireReader) throws -> Result
    ) async throws -> Result {
        let frame = try Self.callFrame(interface, method, arguments)
        let signature = interface.signatures[method]
        let reply = try await exchange(frame, method: signature)
        return try decodeReply(reply, method: signature, result)
    }

    /// Calls a method and blocks the calling thread until its reply arrives.
    public func callBlocking<Result>(
        _ interface: _BridgeInterfaceDescription,
        _ method: Int,
        arguments: (inout _WireWriter) throws -> Void,
        result: (inout _WireReader) throws -> Result
    ) throws -> Result {
        var frame = try Self.callFrame(interface, method, arguments)
        let signature = interface.signatures[method]
        let reply = BlockingReply()
        let callID = newCallID()
        try register(callID, .thread(reply), method: signature)
        send(&frame, kind: .call, callID: callID)
        return try decodeReply(try reply.wait(), method: signature, result)
    }

    /// A call frame: the method's id, then its arguments; the header is filled in on sending.
    private static func callFrame(
        _ interface: _BridgeInterfaceDescription, _ method: Int, _ arguments: (inout _WireWriter) throws -> Void
    ) throws -> _WireWriter {
        var frame = _WireWriter.frame()
        frame.writeUInt64LittleEndian(interface.methodIDs[method])
        try arguments(&frame)
        return frame
    }

    /// Sends the hello frame and waits for the host's answer to it.
    package func handshake(_ hello: Hello) async throws -> Frame {
        var frame = try _WireWriter.helloFrame(hello)
        return try await withCheckedThrowingContinuation { continuation in
            do {
                try register(0, .task(continuation), method: nil)
                send(&frame, kind: .hello, callID: 0)
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }

    /// Sends a frame with call id 0 and no payload (stop), ignoring a closed connection.
    package func sendControl(_ kind: FrameKind) {
        var frame = _WireWriter.frame()
        send(&frame, kind: kind, callID: 0)
    }

    /// Makes every later call fail with `BridgeError.stopped`; calls already sent still get
    /// their replies.
    package func beginStopping() {
        state.withLock { state in
            if state.closure == nil { state.closure = .stopping }
        }
    }

    /// Wakes the reader as if the host had closed the connection.
    package func disconnect() { System.shutdown(socket) }

    private func newCallID() -> UInt32 {
        while true {
            let id = nextCallID.wrappingAdd(1, ordering: .relaxed).oldValue
            if id != 0 { return id }  // 0 is the handshake's
        }
    }

    private func exchange(_ frame: consuming _WireWriter, method: String) async throws -> Frame {
        var frame = frame
        let callID = newCallID()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                do {
                    try register(callID, .task(continuation), method: method)
                } catch {
                    continuation.resume(throwing: error)
                    return
                }
                if Task.isCancelled {
                    cancel(callID)
                } else {
                    send(&frame, kind: .call, callID: callID)
                }
            }
        } onCancel: {
            cancel(callID)
        }
    }

    private func register(_ callID: UInt32, _ waiter: Waiter, method: String?) throws(BridgeError) {
        let closure = state.withLock { state -> Closure? in
            if let closure = state.closure { return closure }
            state.pending[callID] = Pending(waiter: waiter, method: method)
            return nil
        }
        if let closure { throw closure.error(for: method) }
    }

    /// The caller stopped waiting: it gets `CancellationError` now, and the host is told.
    private func cancel(_ callID: UInt32) {
        guard let pending = state.withLock({ $0.pending.removeValue(forKey: callID) }) else { return }
        pending.waiter.resume(with: .failure(CancellationError()))
        var frame = _WireWriter.frame()
        send(&frame, kind: .cancel, callID: callID)
    }

    /// Writes a frame. A failed write needs no handling here: it means the host's end is
    /// closed, and the reader, seeing the same, fails every waiting call.
    private func send(_ frame: inout _WireWriter, kind: FrameKind, callID: UInt32) {
        frame.setFrameHeader(kind, callID: callID)
        writing.withLock { _ in _ = try? socket.send(frame) }
    }

    private func decodeReply<Result>(_ reply: Frame, method: String, _ decode: (inout _WireReader) throws -> Result) throws -> Result {
        var reader = reply.payloadReader
        switch reply.kind {
        case .returned:
            do {
                return try decode(&reader)
            } catch {
                throw BridgeError.malformedMessage("the result of '\(method)' could not be decoded: \(error)")
            }
        case .threw:
            let envelope: ErrorEnvelope
            do {
                envelope = try reader.decode(ErrorEnvelope.self)
            } catch {
                throw BridgeError.malformedMessage("the error thrown by '\(method)' could not be decoded: \(error)")
            }
            throw envelope.error
        default:
            throw BridgeError.malformedMessage("the host answered '\(method)' with a \(reply.kind) frame")
        }
    }

    // MARK: Reading

    private func readReplies() {
        let reader = FrameReader(socket)
        var ending: BridgeError?
        do {
            while let frame = try reader.next() {
                let pending = state.withLock { $0.pending.removeValue(forKey: frame.callID) }
                // A reply nobody waits for belongs to a cancelled call.
                pending?.waiter.resume(with: .success(frame))
            }
        } catch {
            ending = error
            // The host sent what it must not: it is not trusted with another call.
            host.send(System.killSignal)
        }
        host.reapAfterDisconnect()
        let termination = host.termination.value ?? .unknown
        let (closure, failed) = state.withLock { state -> (Closure, [Pending]) in
            let closure: Closure = switch (ending, state.closure) {
            case (let error?, _): .ended(error)
            case (nil, .stopping?): .stopping
            case (nil, .ended(let error)?): .ended(error)
            case (nil, nil): .ended(.hostExited(processID: host.id, termination: termination, method: nil))
            }
            state.closure = closure
            defer { state.pending = [:] }
            return (closure, Array(state.pending.values))
        }
        for pending in failed {
            pending.waiter.resume(with: .failure(closure.error(for: pending.method)))
        }
    }
}

/// Where a blocking caller's thread waits for its reply.
private final class BlockingReply: Sendable {
    private let result = Mutex<Result<Frame, any Error>?>(nil)
    private let ready = DispatchSemaphore(value: 0)

    func deliver(_ result: Result<Frame, any Error>) {
        self.result.withLock { $0 = result }
        ready.signal()
    }

    func wait() throws -> Frame {
        ready.wait()
        return try result.withLock { $0! }.get()
    }
}

extension BridgeError {
    /// The same error, naming the call that was waiting when it happened.
    func naming(_ method: String?) -> BridgeError {
        switch self {
        case .hostExited(let pid, let termination, _): .hostExited(processID: pid, termination: termination, method: method)
        case .stopped: .stopped(method: method)
        default: self
        }
    }
}
