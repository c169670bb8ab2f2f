/// A problem with the bytes themselves, found by the low-level reader, which does not know the
/// coding path. The decoder turns it into a `DecodingError` carrying the path where it happened.
///
/// Every message names what was wrong and the byte offset, so a bad frame can be found in a dump.
struct WireFormatError: Error, @unchecked Sendable {  // `Any.Type` is an immutable metatype
    enum Kind {
        case corrupted
        case typeMismatch(Any.Type)
        case valueNotFound(Any.Type)
    }

    let kind: Kind
    let message: String

    func decodingError(codingPath: [any CodingKey]) -> DecodingError {
        let context = DecodingError.Context(codingPath: codingPath, debugDescription: message)
        switch kind {
        case .corrupted: return .dataCorrupted(context)
        case .typeMismatch(let type): return .typeMismatch(type, context)
        case .valueNotFound(let type): return .valueNotFound(type, context)
        }
    }

    static func truncated(_ what: String, at offset: Int, needs needed: some BinaryInteger, has available: Int) -> Self {
        Self(kind: .corrupted, message: "\(what) at byte offset \(offset) needs \(needed) bytes but only \(available) remain")
    }

    static func endOfInput(at offset: Int) -> Self {
        Self(kind: .corrupted, message: "expected a value at byte offset \(offset) but the input ends there")
    }

    static func unknownTag(_ byte: UInt8, at offset: Int) -> Self {
        let hex = String(byte, radix: 16, uppercase: true)
        return Self(kind: .corrupted, message: "unknown tag 0x\(hex.count == 1 ? "0" + hex : hex) at byte offset \(offset)")
    }

    /// - Parameter maximum: The longest the varint may be: 10 bytes, 19 for an integer that may
    ///   be 128 bits wide.
    static func varintTooLong(at offset: Int, maximum: Int = WireLimits.maximumVarintLength) -> Self {
        Self(kind: .corrupted, message: "varint longer than \(maximum) bytes at byte offset \(offset)")
    }

    static func varintOverflow(at offset: Int, bits: Int = 64) -> Self {
        Self(kind: .corrupted, message: "varint at byte offset \(offset) does not fit in \(bits) bits")
    }

    static func nestingTooDeep(at offset: Int) -> Self {
        Self(kind: .corrupted, message: "nesting deeper than \(WireLimits.maximumNesting) levels at byte offset \(offset)")
    }

    static func invalidUTF8(at offset: Int) -> Self {
        Self(kind: .corrupted, message: "string at byte offset \(offset) is not valid UTF-8")
    }

    static func outOfRange(_ value: some BinaryInteger, for type: Any.Type, at offset: Int) -> Self {
        Self(kind: .corrupted, message: "integer \(value) at byte offset \(offset) does not fit in \(type)")
    }

    static func inexactFloat(_ value: Double, at offset: Int) -> Self {
        Self(kind: .corrupted, message: "Double \(value) at byte offset \(offset) cannot be represented exactly as a Float")
    }

    static func mismatch(expected type: Any.Type, found tag: WireTag, at offset: Int) -> Self {
        if tag == .null {
            return Self(kind: .valueNotFound(type), message: "expected \(type) but found nil at byte offset \(offset)")
        }
        return Self(kind: .typeMismatch(type), message: "expected \(type) but found \(tag.name) at byte offset \(offset)")
    }
}
