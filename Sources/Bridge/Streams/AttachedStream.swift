/// A stream that a call returned, which its callee produces after the call's reply: each
/// element goes out as an `.element` frame once the consumer has granted credit for it, then
/// `.finished`, or `.threw` with the stream's error.
///
/// The stream is pulled only when there is credit, so a source that makes its values on demand
/// (`AsyncThrowingStream(unfolding:)`) makes no more than the consumer takes plus the window.
package final class AttachedStream: Sendable {
    private let produce: @Sendable (StreamOutlet) async -> Void
    /// The method that returned the stream, to name in errors.
    private let method: String
    /// The largest element the consumer accepts (`BridgeOptions.maximumMessageSize`).
    private let limit: Int

    fileprivate init(method: String = "", limit: Int = Frame.maximumPayloadSize, _ produce: @escaping @Sendable (StreamOutlet) async -> Void) {
        self.produce = produce
        self.method = method
        self.limit = limit
    }

    /// The same stream, returned by `method`, whose elements may be at most `limit` bytes.
    package func served(by method: String, limit: Int) -> AttachedStream {
        AttachedStream(method: method, limit: limit, produce)
    }

    /// Pulls the stream and sends its elements, then its end, for as long as the calling task
    /// is not cancelled; a cancelled producer sends nothing more (nobody consumes).
    /// - Parameters:
    ///   - callID: The call that returned the stream.
    ///   - credit: How many elements the consumer takes.
    ///   - send: Writes a frame, header filled in, after the call's reply.
    package func produce(callID: UInt32, credit: StreamCredit, send: @escaping @Sendable (consuming _WireWriter) -> Void) async {
        await produce(StreamOutlet(callID: callID, method: method, limit: limit, credit: credit, send: send))
    }
}

/// Where a producer's frames go.
private struct StreamOutlet: Sendable {
    let callID: UInt32
    let method: String
    let limit: Int
    let credit: StreamCredit
    let send: @Sendable (consuming _WireWriter) -> Void

    /// Sends an element written after `_WireWriter.frame()`.
    /// - Throws: `BridgeError.resultTooLarge` for an element over the limit; nothing is sent.
    func send(element frame: consuming _WireWriter) throws(BridgeError) {
        var frame = frame
        do {
            try frame.checkPayloadSize(limit: limit, method: method)
        } catch {
            throw .resultTooLarge(method: method, size: frame.bytes.count - Frame.headerSize, limit: limit)
        }
        frame.setFrameHeader(.element, callID: callID)
        credit.sent(bytes: frame.bytes.count - Frame.headerSize)
        send(frame)
    }

    func finish() {
        var frame = _WireWriter.frame()
        frame.setFrameHeader(.finished, callID: callID)
        send(frame)
    }

    func end(throwing error: any Error) {
        send(CallServing.error(error, callID: callID))
    }
}

extension _WireWriter {
    /// Attaches the stream a bridged method returned to the method's reply; the callee sends
    /// its elements, each written by `encode`, after the reply. Used by generated code only.
    public mutating func attachStream<Element>(
        _ stream: AsyncThrowingStream<Element, any Error>,
        _ encode: @escaping @Sendable (inout _WireWriter, Element) throws -> Void
    ) {
        // Only the producer's task touches the stream, once the reply has been sent.
        let stream = UncheckedStream(stream)
        attachedStream = AttachedStream { outlet in
            var elements = stream.value.makeAsyncIterator()
            while await outlet.credit.take() {
                let element: Element?
                do {
                    element = try await elements.next()
                } catch {
                    if !Task.isCancelled { outlet.end(throwing: error) }
                    return
                }
                // A cancelled stream's iterator ends early; its consumer left and hears nothing.
                if Task.isCancelled { return }
                guard let element else {
                    outlet.finish()
                    return
                }
                var frame = _WireWriter.frame()
                do {
                    try encode(&frame, element)
                    try outlet.send(element: frame)
                } catch {
                    outlet.end(throwing: error)
                    return
                }
            }
        }
    }
}

private struct UncheckedStream<Element>: @unchecked Sendable {
    let value: AsyncThrowingStream<Element, any Error>
    init(_ value: AsyncThrowingStream<Element, any Error>) { self.value = value }
}
