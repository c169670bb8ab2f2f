// Through Codable, `Optional` flattens: `Int??.some(nil)` encodes as nil, the same as
// `Int??.none`. The codec spots Optionals in its generic paths and writes `nil`, or `some`
// and the wrapped value, so every level survives a round trip.

extension Optional: IntrinsicWireEncodable where Wrapped: Encodable {
    static func encodeIntrinsically<Value>(_ value: Value, into state: WireEncodingState, at position: EncodingPosition) throws {
        // `value` is a `Self` known to the caller only as a generic parameter.
        guard let wrapped = value as! Self else {
            state.writer.writeTag(.null)
            return
        }
        try state.checkNesting(at: position)
        state.writer.writeTag(.some)
        try state.encodeValue(wrapped, at: position.unwrapped())
    }

    static func writeWithoutState<Value>(_ value: Value, to writer: inout _WireWriter) -> Bool {
        false
    }
}

extension Optional: IntrinsicWireDecodable where Wrapped: Decodable {
    static func decodeIntrinsically(from reader: inout _WireReader, at position: DecodingPosition) throws -> Self {
        let tag: WireTag
        do { tag = try reader.peekTag() } catch { throw error.decodingError(codingPath: position.codingPath) }
        switch tag {
        case .null:
            reader.offset += 1
            return .none
        case .some:
            try position.checkNesting(at: reader.offset)
            reader.offset += 1
            return .some(try reader.decodeValue(Wrapped.self, at: position.unwrapped()))
        default:
            // A plain value where an Optional is expected: written by a concrete
            // `encodeIfPresent` overload, which has no `some` marker to write.
            try position.checkNesting(at: reader.offset)
            return .some(try reader.decodeValue(Wrapped.self, at: position.unwrapped()))
        }
    }
}

/// Any `Optional`, whatever it wraps: lets a generic path ask whether its type is one.
protocol OptionalMarker {}

extension Optional: OptionalMarker {}
