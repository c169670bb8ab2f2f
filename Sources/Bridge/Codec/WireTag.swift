/// The first byte of every encoded value: says what follows and so how to read or skip it.
///
/// Numbering starts at 1 so that a zero byte (an unfilled header, zeroed memory) is never a
/// valid value. The numbers are part of the wire version: never renumber, only add.
package enum WireTag: UInt8, Sendable {
    /// `nil`: an Optional without a value, or `encodeNil()`.
    case null = 0x01
    /// `false`.
    case `false` = 0x02
    /// `true`.
    case `true` = 0x03
    /// A zigzag LEB128 varint; written by the signed integer types.
    case signedInteger = 0x04
    /// A LEB128 varint; written by the unsigned integer types.
    case unsignedInteger = 0x05
    /// 4 bytes, little endian `Float.bitPattern`.
    case float32 = 0x06
    /// 8 bytes, little endian `Double.bitPattern`.
    case float64 = 0x07
    /// A varint byte count, then that many bytes of UTF-8.
    case string = 0x08
    /// A varint byte count, then the raw bytes of a `Data` or `[UInt8]`.
    case bytes = 0x09
    /// An Optional that holds a value; the wrapped value follows with its own tag.
    case some = 0x0A
    /// A u32 little endian byte count of the body, then entries: a varint-length UTF-8 key and a value.
    case keyedContainer = 0x0B
    /// A u32 little endian byte count of the body, then values.
    case unkeyedContainer = 0x0C
    /// A value whose `encode(to:)` wrote nothing.
    case empty = 0x0D
    /// A varint index into the descriptors that the message carries beside its bytes
    /// (`WireDescriptors`): a `BridgeFileDescriptor`.
    case descriptor = 0x0E

    /// How error messages name what was found.
    var name: String {
        switch self {
        case .null: "nil"
        case .false: "false"
        case .true: "true"
        case .signedInteger: "signed integer"
        case .unsignedInteger: "unsigned integer"
        case .float32: "Float"
        case .float64: "Double"
        case .string: "string"
        case .bytes: "bytes"
        case .some: "Optional"
        case .keyedContainer: "keyed container"
        case .unkeyedContainer: "unkeyed container"
        case .empty: "empty value"
        case .descriptor: "descriptor"
        }
    }
}
