/// Reads values in the bridge's binary wire format, in the order `_WireWriter` wrote them.
/// Generated code decodes the arguments and the result of every bridged call with it.
///
/// The bytes may come from anywhere: every malformed input is a thrown `DecodingError`, never a
/// trap, a hang or an allocation sized by an unchecked count.
public struct _WireReader: Sendable {
    private(set) var bytes: [UInt8]
    /// The index of the next byte to read.
    package internal(set) var offset: Int
    /// Reads stop here: the end of the input, or of the container being read.
    private(set) var end: Int
    /// Where clients for objects the parent passed come from: set for a call's arguments in a
    /// host.
    package var objectSource: (any WireObjectSource)?
    /// The descriptors the message came with, which its descriptor values take.
    package var descriptors: WireDescriptors?

    /// Creates a reader of `bytes` that starts at `offset`.
    package init(bytes: [UInt8], startingAt offset: Int = 0) {
        precondition(offset >= 0 && offset <= bytes.count, "the start offset lies outside the bytes")
        self.init(bytes: bytes, offset: offset, end: bytes.count)
    }

    /// Creates a reader of a message's payload and the descriptors it came with.
    package init(bytes: [UInt8], descriptors: WireDescriptors?) {
        self.init(bytes: bytes, offset: 0, end: bytes.count, descriptors: descriptors)
    }

    init(
        bytes: [UInt8], offset: Int, end: Int, objectSource: (any WireObjectSource)? = nil,
        descriptors: WireDescriptors? = nil
    ) {
        self.bytes = bytes
        self.offset = offset
        self.end = end
        self.objectSource = objectSource
        self.descriptors = descriptors
    }

    /// Moves the whole reader out, leaving this one empty: the taker holds the one copy of
    /// the bytes' storage.
    package mutating func takeAll() -> _WireReader {
        let offset = offset
        let end = end
        return _WireReader(bytes: takeBytes(), offset: offset, end: end, objectSource: objectSource, descriptors: descriptors)
    }

    /// Moves the bytes out, leaving the reader empty; for handing their storage to
    /// `FrameStorage` once what was read from them is decoded.
    package mutating func takeBytes() -> [UInt8] {
        var taken: [UInt8] = []
        swap(&taken, &bytes)
        offset = 0
        end = 0
        return taken
    }

    /// Whether every byte has been read.
    package var isAtEnd: Bool { offset >= end }

    var remainingCount: Int { end - offset }

    // MARK: Raw bytes, for the frame layer

    /// Reads 4 bytes, least significant first.
    package mutating func readUInt32LittleEndian() throws -> UInt32 {
        do { return try loadUInt32LittleEndian() } catch { throw error.decodingError(codingPath: []) }
    }

    /// Reads 8 bytes, least significant first.
    package mutating func readUInt64LittleEndian() throws -> UInt64 {
        do { return try loadUInt64LittleEndian() } catch { throw error.decodingError(codingPath: []) }
    }

    /// Everything not read yet; afterwards the reader is at the end.
    package mutating func readRemainingBytes() -> ArraySlice<UInt8> {
        defer { offset = end }
        return bytes[offset..<end]
    }

    mutating func loadUInt32LittleEndian() throws(WireFormatError) -> UInt32 {
        try requireBytes(4, for: "a 4-byte integer")
        defer { offset += 4 }
        return UInt32(littleEndian: bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self) })
    }

    mutating func loadUInt64LittleEndian() throws(WireFormatError) -> UInt64 {
        try requireBytes(8, for: "an 8-byte integer")
        defer { offset += 8 }
        return UInt64(littleEndian: bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self) })
    }

    private func requireBytes(_ count: Int, for what: String) throws(WireFormatError) {
        guard count <= remainingCount else {
            throw .truncated(what, at: offset, needs: count, has: remainingCount)
        }
    }

    // MARK: The format's building blocks

    func peekTag() throws(WireFormatError) -> WireTag {
        guard offset < end else { throw .endOfInput(at: offset) }
        guard let tag = WireTag(rawValue: bytes[offset]) else { throw .unknownTag(bytes[offset], at: offset) }
        return tag
    }

    mutating func readTag() throws(WireFormatError) -> WireTag {
        let tag = try peekTag()
        offset += 1
        return tag
    }

    /// Steps over `some` markers, so that a value written as an Optional reads as a plain one.
    /// Never throws itself: a missing or bad tag after them is the next read's error to report.
    mutating func skipSomeTags() {
        while offset < end && bytes[offset] == WireTag.some.rawValue { offset += 1 }
    }

    /// Reads the tag of a value that must be `expected`, after any `some` markers.
    mutating func readTag(expecting expected: WireTag, for type: Any.Type) throws(WireFormatError) {
        skipSomeTags()
        let tag = try peekTag()
        guard tag == expected else { throw .mismatch(expected: type, found: tag, at: offset) }
        offset += 1
    }

    mutating func readVarint() throws(WireFormatError) -> UInt64 {
        try readVarint(as: UInt64.self)
    }

    /// An unsigned LEB128 varint of `Value`'s width: its last byte (the 10th of a 64-bit one,
    /// the 19th of a 128-bit one) holds the bits that are left, and ends it.
    mutating func readVarint<Value: FixedWidthInteger & UnsignedInteger>(as type: Value.Type) throws(WireFormatError) -> Value {
        let start = offset
        let lastShift = (Value.bitWidth - 1) / 7 * 7
        let lastByteMaximum = UInt8((1 << (Value.bitWidth - lastShift)) - 1)
        var result: Value = 0
        var shift = 0
        while true {
            guard offset < end else {
                throw .truncated("a varint", at: start, needs: offset - start + 1, has: end - start)
            }
            let byte = bytes[offset]
            offset += 1
            if shift == lastShift && byte > lastByteMaximum {
                throw byte & 0x80 != 0
                    ? .varintTooLong(at: start, maximum: lastShift / 7 + 1) : .varintOverflow(at: start, bits: Value.bitWidth)
            }
            result |= Value(byte & 0x7F) &<< shift
            if byte < 0x80 { return result }
            shift += 7
        }
    }

    /// Reads a varint byte count and checks it against the bytes left before trusting it.
    mutating func readLength(of what: String) throws(WireFormatError) -> Int {
        let start = offset
        let length = try readVarint()
        guard length <= UInt64(remainingCount) else {
            throw .truncated(what, at: start, needs: length, has: remainingCount)
        }
        return Int(length)
    }

    /// Reads a container's u32 body length and checks it against the bytes left.
    mutating func readContainerBody() throws(WireFormatError) -> Range<Int> {
        let start = offset
        let length = Int(try loadUInt32LittleEndian())
        guard length <= remainingCount else {
            throw .truncated("a container body", at: start, needs: length, has: remainingCount)
        }
        defer { offset += length }
        return offset..<(offset + length)
    }

    /// Reads a key's varint length and returns where its UTF-8 lies, leaving the reader at the value.
    mutating func readKey() throws(WireFormatError) -> Range<Int> {
        let length = try readLength(of: "a key")
        defer { offset += length }
        return offset..<(offset + length)
    }

    func bytes(in range: Range<Int>, equal text: String) -> Bool {
        var text = text
        return text.withUTF8 { utf8 in
            guard utf8.count == range.count else { return false }
            return bytes.withUnsafeBufferPointer { buffer in
                var index = 0
                while index < utf8.count {
                    guard buffer[range.lowerBound + index] == utf8[index] else { return false }
                    index += 1
                }
                return true
            }
        }
    }

    /// The UTF-8 in `range` as a String, or nil if it is not valid UTF-8.
    func string(in range: Range<Int>) -> String? {
        bytes.withUnsafeBufferPointer { buffer in
            let utf8 = UnsafeBufferPointer(rebasing: buffer[range])
            // ASCII (most keys and many values) cannot be invalid, and `String(decoding:)` is
            // the fast path; it would silently repair anything else, so that goes through the
            // validating initializer.
            if utf8.allSatisfy({ $0 < 0x80 }) { return String(decoding: utf8, as: UTF8.self) }
            return String(validating: utf8, as: UTF8.self)
        }
    }

    /// Steps over an integer's varint, of up to 128 bits (19 bytes: `Int128`, `UInt128`),
    /// without reading its value, which the reader that takes it checks.
    private mutating func skipIntegerVarint() throws(WireFormatError) {
        let start = offset
        for _ in 0..<WireLimits.maximumWideVarintLength {
            guard offset < end else {
                throw .truncated("a varint", at: start, needs: offset - start + 1, has: end - start)
            }
            let byte = bytes[offset]
            offset += 1
            if byte < 0x80 { return }
        }
        throw .varintTooLong(at: start, maximum: WireLimits.maximumWideVarintLength)
    }

    /// Steps over one value of any kind without decoding it. Loops instead of recursing: a
    /// container is skipped by its length, so hostile nesting costs no stack.
    mutating func skipValue() throws(WireFormatError) {
        while true {
            switch try readTag() {
            case .null, .false, .true, .empty:
                return
            case .signedInteger, .unsignedInteger:
                try skipIntegerVarint()
                return
            case .descriptor:
                _ = try readVarint()
                return
            case .float32:
                try requireBytes(4, for: "a Float")
                offset += 4
                return
            case .float64:
                try requireBytes(8, for: "a Double")
                offset += 8
                return
            case .string, .bytes:
                offset += try readLength(of: "a string or bytes value")
                return
            case .keyedContainer, .unkeyedContainer:
                _ = try readContainerBody()
                return
            case .some:
                continue
            }
        }
    }

    // MARK: Primitive values

    mutating func readBool() throws(WireFormatError) -> Bool {
        skipSomeTags()
        switch try peekTag() {
        case .true: offset += 1; return true
        case .false: offset += 1; return false
        case let tag: throw .mismatch(expected: Bool.self, found: tag, at: offset)
        }
    }

    /// Reads either integer tag into any integer type the value fits in.
    mutating func readInteger<Integer: FixedWidthInteger>(_ type: Integer.Type) throws(WireFormatError) -> Integer {
        if Integer.bitWidth > 64, #available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *) {
            return try readWideInteger(type)
        }
        skipSomeTags()
        let start = offset
        switch try readTag() {
        case .signedInteger:
            let value = ZigZag.decode(try readVarint())
            guard let result = Integer(exactly: value) else { throw .outOfRange(value, for: type, at: start) }
            return result
        case .unsignedInteger:
            let value = try readVarint()
            guard let result = Integer(exactly: value) else { throw .outOfRange(value, for: type, at: start) }
            return result
        case let tag:
            throw .mismatch(expected: type, found: tag, at: start)
        }
    }

    mutating func readDouble() throws(WireFormatError) -> Double {
        skipSomeTags()
        let start = offset
        switch try readTag() {
        case .float64: return Double(bitPattern: try loadUInt64LittleEndian())
        case .float32: return Double(Float(bitPattern: try loadUInt32LittleEndian()))
        case let tag: throw .mismatch(expected: Double.self, found: tag, at: start)
        }
    }

    mutating func readFloat() throws(WireFormatError) -> Float {
        skipSomeTags()
        let start = offset
        switch try readTag() {
        case .float32:
            return Float(bitPattern: try loadUInt32LittleEndian())
        case .float64:
            let wide = Double(bitPattern: try loadUInt64LittleEndian())
            let narrow = Float(wide)
            guard Double(narrow) == wide || wide.isNaN else { throw .inexactFloat(wide, at: start) }
            return narrow
        case let tag:
            throw .mismatch(expected: Float.self, found: tag, at: start)
        }
    }

    mutating func readString() throws(WireFormatError) -> String {
        try readTag(expecting: .string, for: String.self)
        let start = offset
        let length = try readLength(of: "a string")
        guard let string = string(in: offset..<(offset + length)) else { throw .invalidUTF8(at: start) }
        offset += length
        return string
    }

    /// Reads a `bytes` value and returns where its payload lies.
    mutating func readBytes(as type: Any.Type) throws(WireFormatError) -> Range<Int> {
        try readTag(expecting: .bytes, for: type)
        let length = try readLength(of: "a bytes value")
        defer { offset += length }
        return offset..<(offset + length)
    }

    // MARK: The API generated code calls

    /// Reads the next value as a `T`; Optionals tell `.some(nil)` from `nil`.
    public mutating func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        // See `_WireWriter.encode(_:)`: a `String` without a conformance lookup.
        if T.self == String.self { return unsafeBitCast(try decode(String.self), to: T.self) }
        return try decodeValue(type, at: .root)
    }

    /// Reads an object the parent passed: a client that calls it in the parent.
    /// - Throws: `DecodingError` outside a call's arguments in a host.
    public mutating func decodeObject<Client: _BridgeClient>(_ type: Client.Type) throws -> Client {
        guard let objectSource else {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: [],
                debugDescription: "an object (here a \(Client.self)) can only be received as an argument of a call in a bridge's host"))
        }
        return objectSource.client(Client.self, objectID: try readUInt32LittleEndian())
    }

    /// Reads a `String`.
    public mutating func decode(_ type: String.Type) throws -> String { try direct { (r) throws(WireFormatError) in try r.readString() } }
    /// Reads a `Bool`.
    public mutating func decode(_ type: Bool.Type) throws -> Bool { try direct { (r) throws(WireFormatError) in try r.readBool() } }
    /// Reads an `Int`.
    public mutating func decode(_ type: Int.Type) throws -> Int { try direct { (r) throws(WireFormatError) in try r.readInteger(type) } }
    /// Reads an `Int8`.
    public mutating func decode(_ type: Int8.Type) throws -> Int8 { try direct { (r) throws(WireFormatError) in try r.readInteger(type) } }
    /// Reads an `Int16`.
    public mutating func decode(_ type: Int16.Type) throws -> Int16 { try direct { (r) throws(WireFormatError) in try r.readInteger(type) } }
    /// Reads an `Int32`.
    public mutating func decode(_ type: Int32.Type) throws -> Int32 { try direct { (r) throws(WireFormatError) in try r.readInteger(type) } }
    /// Reads an `Int64`.
    public mutating func decode(_ type: Int64.Type) throws -> Int64 { try direct { (r) throws(WireFormatError) in try r.readInteger(type) } }
    /// Reads a `UInt`.
    public mutating func decode(_ type: UInt.Type) throws -> UInt { try direct { (r) throws(WireFormatError) in try r.readInteger(type) } }
    /// Reads a `UInt8`.
    public mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try direct { (r) throws(WireFormatError) in try r.readInteger(type) } }
    /// Reads a `UInt16`.
    public mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try direct { (r) throws(WireFormatError) in try r.readInteger(type) } }
    /// Reads a `UInt32`.
    public mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try direct { (r) throws(WireFormatError) in try r.readInteger(type) } }
    /// Reads a `UInt64`.
    public mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try direct { (r) throws(WireFormatError) in try r.readInteger(type) } }
    /// Reads a `Double`.
    public mutating func decode(_ type: Double.Type) throws -> Double { try direct { (r) throws(WireFormatError) in try r.readDouble() } }
    /// Reads a `Float`.
    public mutating func decode(_ type: Float.Type) throws -> Float { try direct { (r) throws(WireFormatError) in try r.readFloat() } }

    /// Runs a primitive read at the top level, where the coding path is empty.
    private mutating func direct<Value>(_ read: (inout Self) throws(WireFormatError) -> Value) throws -> Value {
        do { return try read(&self) } catch { throw error.decodingError(codingPath: []) }
    }
}
