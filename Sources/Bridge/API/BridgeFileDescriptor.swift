/// An open descriptor that crosses a bridge call as an argument or a result (also inside a
/// `Codable` value); the receiver gets its own descriptor to the same open file.
///
/// It travels beside the call's bytes, ahead of them, over a socket of the bridge's own for
/// descriptors (`SCM_RIGHTS`), in both
/// directions: in calls and their results, stream elements, and the arguments of callbacks the
/// host calls, alone or inside structs, arrays and other `Codable` values. The receiver's
/// descriptor is close-on-exec. Descriptors that are sent and never received (the call failed,
/// the host died, the value was never decoded) are closed; none leaks.
///
/// A bridge is the only encoder that can carry one: encoding it with another (a
/// `JSONEncoder`, a host's configuration) throws an `EncodingError` that says so.
///
/// Each descriptor sent counts against the sending user's limit on descriptors in flight
/// (Linux: its `RLIMIT_NOFILE`, unless it has `CAP_SYS_RESOURCE`) from the send until the
/// other process receives it. A call whose descriptors cannot be sent fails with
/// ``BridgeError/Code-swift.struct/descriptorsNotSent`` and is not sent; a host that cannot
/// send those of a result ends its bridge. One
/// message may carry up to 65,536 (sent 253 to a `sendmsg`, Linux's `SCM_MAX_FD`), and the
/// receiver needs room for them under its own `RLIMIT_NOFILE` (`BridgeLimits.openFiles` in a
/// host).
public final class BridgeFileDescriptor: Codable, Sendable {
    /// The descriptor this object owns; -1 once taken.
    private let owned: Locked<CInt>

    /// Makes an object that owns a close-on-exec duplicate of `descriptor`; the caller keeps,
    /// and closes, its own.
    /// - Throws: An error naming `fcntl(F_DUPFD_CLOEXEC)` and its `errno` when `descriptor` is
    ///   not open (`EBADF`) or the process has no descriptor to spare (`EMFILE`).
    public init(duplicating descriptor: Int32) throws {
        owned = Locked(try System.duplicate(descriptor))
    }

    /// Takes ownership of a descriptor received with a message.
    private init(owning descriptor: CInt) {
        owned = Locked(descriptor)
    }

    deinit {
        let descriptor = owned.withLock { $0 }
        if descriptor >= 0 { System.close(descriptor) }
    }

    /// The descriptor: valid while this object lives (it is closed when the object is
    /// released), and -1 after `take()`.
    public var rawValue: Int32 { owned.withLock { $0 } }

    /// Hands the descriptor over: the caller owns it from now on and closes it; this object
    /// no longer does. A second call returns -1.
    public func take() -> Int32 {
        owned.withLock { owned in
            defer { owned = -1 }
            return owned
        }
    }

    /// Always throws an `EncodingError` that says so: only a bridge's own encoder, which never
    /// calls this, can carry a descriptor.
    public func encode(to encoder: any Encoder) throws {
        throw EncodingError.invalidValue(rawValue, EncodingError.Context(
            codingPath: encoder.codingPath,
            debugDescription: "a BridgeFileDescriptor can only be encoded by a bridge, as (part of) a call's argument, its result, a stream's element or a callback's argument; \(type(of: encoder)) cannot carry a descriptor"))
    }

    /// Always throws a `DecodingError` that says so: only a bridge's own decoder, which never
    /// calls this, has descriptors to give.
    public required init(from decoder: any Decoder) throws {
        throw DecodingError.dataCorrupted(DecodingError.Context(
            codingPath: decoder.codingPath,
            debugDescription: "a BridgeFileDescriptor can only be decoded by a bridge, from the message that carried it; \(type(of: decoder)) has no descriptors"))
    }
}

// The bridge's codec writes and reads it itself: a tag and an index into the descriptors the
// message carries (`WireDescriptors`).
extension BridgeFileDescriptor: IntrinsicWireEncodable, IntrinsicWireDecodable {
    static func encodeIntrinsically<Value>(_ value: Value, into state: WireEncodingState, at position: EncodingPosition) throws {
        // `value` is a `Self` known to the caller only as a generic parameter.
        let descriptor = (value as! BridgeFileDescriptor).rawValue
        guard descriptor >= 0 else {
            throw EncodingError.invalidValue(descriptor, EncodingError.Context(
                codingPath: position.codingPath, debugDescription: "this BridgeFileDescriptor was taken: it has no descriptor to send"))
        }
        // A duplicate of its own goes with the message, so that the object may go, or be
        // taken, before the message is sent.
        let duplicate = try System.duplicate(descriptor)
        try state.writer.writeDescriptor(duplicate, typeName: "BridgeFileDescriptor", codingPath: position.codingPath)
    }

    static func writeWithoutState<Value>(_ value: Value, to writer: inout _WireWriter) -> Bool {
        false  // it may throw, which only the path with state can
    }

    static func decodeIntrinsically(from reader: inout _WireReader, at position: DecodingPosition) throws -> Self {
        // As itself, not as a decoding error: the message is sound, the process was full.
        if let lost = reader.descriptors?.lost { throw lost }
        do {
            return Self(owning: try reader.readDescriptor())
        } catch {
            throw error.decodingError(codingPath: position.codingPath)
        }
    }
}
