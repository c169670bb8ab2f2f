import Bridge
import Testing

/// Encodes `value` through the generic path, as generated code does for non-primitive types.
func encoded<T: Encodable>(_ value: T) throws -> [UInt8] {
    var writer = _WireWriter()
    try writer.encode(value)
    return writer.bytes
}

/// Decodes one `T` from `bytes` and requires that it used them all.
func decoded<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
    var reader = _WireReader(bytes: bytes)
    let value = try reader.decode(type)
    #expect(reader.isAtEnd, "decoding \(T.self) left \(bytes.count - reader.offset) bytes unread")
    return value
}

func roundTrip<T: Codable>(_ value: T) throws -> T {
    try decoded(T.self, from: try encoded(value))
}

/// The message a decoding error carries, for checking that it says what and where.
func message(of error: DecodingError?) -> String {
    switch error {
    case .dataCorrupted(let context), .keyNotFound(_, let context),
         .typeMismatch(_, let context), .valueNotFound(_, let context):
        return context.debugDescription
    case nil:
        return "(no error)"
    @unknown default:
        return "\(String(describing: error))"
    }
}

func message(of error: EncodingError?) -> String {
    switch error {
    case .invalidValue(_, let context):
        return context.debugDescription
    case nil:
        return "(no error)"
    @unknown default:
        return "\(String(describing: error))"
    }
}

/// A small, fast, deterministic generator (SplitMix64), so that fuzz runs are repeatable.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
