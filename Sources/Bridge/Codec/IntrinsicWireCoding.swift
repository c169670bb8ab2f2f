// The generic paths must tell the types the format has its own tags for (primitives, bytes,
// Optionals) from everything else, for every value. A conformance lookup is the cheapest
// runtime type test there is, so each generic value pays for exactly one: these protocols.

/// A type the codec writes itself, with a tag, instead of through an `Encoder`.
protocol IntrinsicWireEncodable {
    /// Writes `value`, which is a `Self` the caller knows only as a generic parameter.
    static func encodeIntrinsically<Value>(_ value: Value, into state: WireEncodingState, at position: EncodingPosition) throws

    /// Writes `value` straight into `writer` and returns true, if it needs no encoding state
    /// (false for an Optional, whose wrapped value may need an `Encoder`).
    static func writeWithoutState<Value>(_ value: Value, to writer: inout _WireWriter) -> Bool
}

/// A type the codec reads itself, by its tag, instead of through a `Decoder`.
protocol IntrinsicWireDecodable {
    static func decodeIntrinsically(from reader: inout _WireReader, at position: DecodingPosition) throws -> Self
}

extension IntrinsicWireDecodable {
    /// Reads a `Self` that the caller knows only as `T` (the same type, so the cast cannot fail).
    static func decodeIntrinsically<T>(as type: T.Type, from reader: inout _WireReader, at position: DecodingPosition) throws -> T {
        try decodeIntrinsically(from: &reader, at: position) as! T
    }
}
