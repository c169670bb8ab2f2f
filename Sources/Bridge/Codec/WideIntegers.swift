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
    /// A varint of up to 128 bits: the 19th byte holds bits 126 and 127 only, and ends it.
    mutating func readWideVarint() throws(WireFormatError) -> UInt128 {
        let start = offset
        var result: UInt128 = 0
        var shift: UInt128 = 0
        while true {
            guard offset < end else {
                throw .truncated("a varint", at: start, needs: offset - start + 1, has: end - start)
            }
            let byte = bytes[offset]
            offset += 1
            if shift == 126 && byte > 3 {
                throw byte & 0x80 != 0 ? .varintTooLong(at: start, maximum: WireLimits.maximumWideVarintLength) : .varintOverflow(at: start, bits: 128)
            }
            result |= UInt128(byte & 0x7F) &<< shift
            if byte < 0x80 { return result }
            shift += 7
        }
    }

    /// Reads either integer tag into a type wider than 64 bits.
    mutating func readWideInteger<Integer: FixedWidthInteger>(_ type: Integer.Type) throws(WireFormatError) -> Integer {
        skipSomeTags()
        let start = offset
        switch try readTag() {
        case .signedInteger:
            let value = ZigZag.decode(try readWideVarint())
            guard let result = Integer(exactly: value) else { throw .outOfRange(value, for: type, at: start) }
            return result
        case .unsignedInteger:
            let value = try readWideVarint()
            guard let result = Integer(exactly: value) else { throw .outOfRange(value, for: type, at: start) }
            return result
        case let tag:
            throw .mismatch(expected: type, found: tag, at: start)
        }
    }
}
