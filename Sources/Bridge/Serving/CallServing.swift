/// How a callee runs a call frame and answers it: the host for calls to its real object, the
/// parent for calls to objects it passed a host.
package enum CallServing {
    /// What a call frame asks for.
    package struct Request {
        package var objectID: UInt32
        package var methodID: UInt64
        /// The arguments, after the object and method ids.
        package var arguments: _WireReader

        /// The request, leaving this one without its arguments: the one copy of their storage
        /// goes to the taker.
        package mutating func takeAll() -> Request {
            Request(objectID: objectID, methodID: methodID, arguments: arguments.takeAll())
        }
    }

    /// The object and method a call frame names, or nil when it is too short to name them.
    /// - Parameter objectSource: What the arguments' objects are decoded from.
    package static func request(in frame: consuming Frame, objectSource: (any WireObjectSource)? = nil) -> Request? {
        var frame = frame
        var payload = frame.takePayloadReader()
        guard let objectID = try? payload.readUInt32LittleEndian(),
            let methodID = try? payload.readUInt64LittleEndian()
        else { return nil }
        payload.objectSource = objectSource
        return Request(objectID: objectID, methodID: methodID, arguments: payload)
    }

    /// Runs a call on `methods`; returns its reply frame, header filled in, which carries the
    /// stream the call returned, if any, for the caller of this to produce after sending it.
    nonisolated(nonsending) package static func perform(_ request: Request, callID: UInt32, on methods: BoundMethods) async -> _WireWriter {
        guard let method = methods[request.methodID] else {
            return error(BridgeError.interfaceMismatch(noSuchMethod(request.methodID)), callID: callID)
        }
        // A requirement that is not async runs without async frames of its own.
        if let invoke = method.invokeSynchronously {
            return run(request, callID: callID, invoke, of: method, limit: methods.resultLimit)
        }
        var arguments = request.arguments
        var result = _WireWriter.frame()
        do {
            if let inPlace = method.inPlace {
                try await inPlace.invoke(inPlace.object, &arguments, &result)
            } else {
                try await method.invoke(&arguments, &result)
            }
        } catch {
            return Self.error(error, callID: callID)
        }
        return reply(consume result, of: method, callID: callID, limit: methods.resultLimit)
    }

    /// Runs a call on the calling thread when its method never waits (`_BridgeMethod.neverWaits`),
    /// for a thread that reads a socket and must not block; returns its reply frame, or nil when
    /// the call needs `perform` (or names no method, which `perform` reports).
    package static func performNow(_ request: Request, callID: UInt32, on methods: BoundMethods) -> _WireWriter? {
        guard let method = methods[request.methodID], method.neverWaits, let invoke = method.invokeSynchronously else {
            return nil
        }
        return run(request, callID: callID, invoke, of: method, limit: methods.resultLimit)
    }

    /// Runs a call with the method's synchronous entry; returns its reply frame.
    private static func run(
        _ request: Request, callID: UInt32, _ invoke: @Sendable (inout _WireReader, inout _WireWriter) throws -> Void,
        of method: BoundMethods.Method, limit: Int
    ) -> _WireWriter {
        var arguments = request.arguments
        var result = _WireWriter.frame()
        do {
            try invoke(&arguments, &result)
        } catch {
            return Self.error(error, callID: callID)
        }
        return reply(consume result, of: method, callID: callID, limit: limit)
    }

    /// The reply to a call that returned `result`: the result, header filled in, or an error
    /// when it is over the size limit.
    /// `result` is consumed, not copied: a copy would share the buffer, and filling in the header
    /// would then copy it.
    private static func reply(_ result: consuming _WireWriter, of method: BoundMethods.Method, callID: UInt32, limit: Int) -> _WireWriter {
        do {
            try result.checkPayloadSize(limit: limit, method: method.signature)
        } catch {
            let size = result.bytes.count - Frame.headerSize
            return Self.error(BridgeError.resultTooLarge(method: method.signature, size: size, limit: limit), callID: callID)
        }
        if let stream = result.attachedStream {
            result.attachedStream = stream.served(by: method.signature, limit: limit)
        }
        result.setFrameHeader(.returned, callID: callID)
        return result
    }

    /// Why a call names no method of the callee: the caller and the callee disagree about the
    /// interface in a way the handshake could not see.
    package static func noSuchMethod(_ id: UInt64?) -> String {
        let id = id.map { "0x" + String($0, radix: 16) } ?? "(missing)"
        return "the host has no method with id \(id); build the caller and the host from the same source"
    }

    /// A reply that carries `error` as the call's.
    package static func error(_ error: any Error, callID: UInt32) -> _WireWriter {
        replyFrame(.threw, callID: callID) { try $0.encode(ErrorEnvelope(error)) }
    }

    /// A reply frame, header filled in; a payload that cannot be encoded becomes an error reply.
    package static func replyFrame(_ kind: FrameKind, callID: UInt32, _ payload: (inout _WireWriter) throws -> Void) -> _WireWriter {
        var frame = _WireWriter.frame()
        var kind = kind
        do {
            try payload(&frame)
        } catch {
            frame = _WireWriter.frame()
            kind = .threw
            try? frame.encode(ErrorEnvelope(BridgeError.malformedMessage("the reply could not be encoded: \(error)")))
        }
        frame.setFrameHeader(kind, callID: callID)
        return frame
    }
}
