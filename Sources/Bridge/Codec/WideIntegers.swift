/// `Int128` and `UInt128` on the wire: the integer tags as for the narrower types, with a
/// varint of up to 19 bytes. A value that fits 64 bits is written as an `Int64` or `UInt64`
/// would be, byte for byte, so it reads back as any integer type it fits.
@available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
extension ZigZag {
    static func encode(_ value: Int128) -> UInt128 {
        UInt128(bitPattern: (value &<< 1) ^ (value &>> 127))
    }

    static func decode(_ value: UInt128) -> Int128 {
        Int128(bitPattern: value &>> 1) ^ -Int128(bitPattern: value & 1)
    }
}

@available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
extension _WireReader {
    /// Reads either integer tag into a type wider than 64 bits.
    mutating func readWideInteger<Integer: FixedWidthInteger>(_ type: Integer.Type) throws(WireFormatError) -> Integer {
        skipSomeTags()
        let start = offset
        switch try readTag() {
        case .signedInteger:
            let value = ZigZag.decode(try readVarint(as: UInt128.self))
            guard let result = Integer(exactly: value) else { throw .outOfRange(value, for: type, at: start) }
            return result
        case .unsignedInteger:
            let value = try readVarint(as: UInt128.self)
            guard let result = Integer(exactly: value) else { throw .outOfRange(value, for: type, at: start) }
            return result
        case let tag:
            throw .mismatch(expected: type, found: tag, at: start)
        }
    }
}
