/// What the `AsyncThrowingStream` of a stream call pulls from: takes elements from the
/// stream's inbox, decodes them, grants the producer credit as they are taken, and tells the
/// producer to stop when the consumer leaves: when its task is cancelled, or when the stream
/// is dropped (this object goes with it).
final class StreamConsumer<Element>: Sendable {
    private let connection: _BridgeConnection
    private let callID: UInt32
    private let inbox: StreamInbox
    private let decode: @Sendable (inout _WireReader) throws -> Element
    /// What the bridge adds to an error that ends the stream (a supervised bridge's advice).
    private let advised: (@Sendable (BridgeError) -> BridgeError)?

    init(
        connection: _BridgeConnection, callID: UInt32, inbox: StreamInbox, decode: @escaping @Sendable (inout _WireReader) throws -> Element,
        advising advised: (@Sendable (BridgeError) -> BridgeError)? = nil
    ) {
        self.connection = connection
        self.callID = callID
        self.inbox = inbox
        self.decode = decode
        self.advised = advised
    }

    deinit {
        connection.leaveStream(callID, inbox)
    }

    /// The next element; nil once the stream has ended.
    /// - Throws: The stream's error (as itself when it is `Codable`), `BridgeError` when the
    ///   host exits or the bridge stops, `.timedOut` when no element came within
    ///   `BridgeOptions.callTimeout` of asking (a frozen host's stream ends so), and
    ///   `CancellationError` when the consuming task is cancelled.
    func next() async throws -> Element? {
        let taken: StreamInbox.Taken?
        do {
            let (connection, method) = (connection, inbox.method)
            taken = try await inbox.next(waitingAtMost: connection.callTimeout) { connection.elementTimedOut(method) }
        } catch let error as BridgeError {
            connection.leaveStream(callID, inbox)
            throw advised?(error) ?? error
        } catch {
            connection.leaveStream(callID, inbox)
            throw error
        }
        guard let taken else { return nil }
        if taken.credit > 0 { connection.grant(taken.credit, toStream: callID, inbox) }
        var reader = taken.frame.payloadReader
        do {
            return try decode(&reader)
        } catch {
            inbox.leave()
            connection.leaveStream(callID, inbox)
            throw BridgeError.decodingFailed("an element of the stream returned by", method: inbox.method, error, ended: "the stream ended")
        }
    }
}
