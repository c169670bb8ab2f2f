/// Appends values in the bridge's binary wire format. Generated code encodes the arguments and
/// the result of every bridged call with it; users never call it.
///
/// Top-level values written one after another are read back in the same order by `_WireReader`.
public struct _WireWriter: Sendable {
    /// Everything written so far.
    package private(set) var bytes: [UInt8]
    /// Where objects passed as arguments are registered: set for the arguments of a call from
    /// a bridge's parent.
    package var objectExporter: (any WireObjectExporter)?
    /// The stream a call returned, set by `attachStream` in a reply; the callee produces it
    /// after sending the reply.
    package var attachedStream: AttachedStream?
    /// Whether these bytes go over a bridge's socket, which can carry descriptors beside them:
    /// true for a frame (`_WireWriter.frame()`), else a descriptor value cannot be written.
    package var carriesDescriptors = false
    /// The descriptors written so far (`BridgeFileDescriptor`), sent beside the bytes; nil
    /// for none, so that a message without any allocates nothing for them.
    package var descriptors: WireDescriptors?
    /// The descriptors went ahead as a batch, which the frame names after its payload
    /// (`sendDescriptors(over:waitingAtMost:)`).
    package var announcesDescriptors = false

    /// Room for a typical call's arguments, so that small calls grow the buffer at most once.
    private static let typicalCallSize = 64

    /// Creates a writer with an empty buffer.
    package init() {
        self.init(reserving: 0)
    }

    /// Creates a writer whose buffer starts with `headerCount` zero bytes, for a frame header
    /// that is filled in once the body's length is known.
    package init(reserving headerCount: Int) {
        precondition(headerCount >= 0 && headerCount <= 16, "a header has 0 to 16 bytes")
        bytes = FrameStorage.take(capacity: headerCount + Self.typicalCallSize)
        // The zeros in one copy, not one append (and capacity check) each.
        withUnsafeBytes(of: (UInt64.zero, UInt64.zero)) { zeros in
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: zeros[..<headerCount]))
        }
    }

    /// A writer that has not allocated; the encoder swaps a caller's buffer into it.
    init(unallocated: Void) {
        bytes = []
    }

    /// Gives `body` the buffer to patch in place, for example to fill in a frame header.
    package mutating func withUnsafeMutableBytes<Result>(
        _ body: (UnsafeMutableRawBufferPointer) throws -> Result
    ) rethrows -> Result {
        try bytes.withUnsafeMutableBytes(body)
    }

    /// Moves the bytes out, leaving the writer empty; for handing a sent frame's storage on.
    package mutating func takeBytes() -> [UInt8] {
        var taken: [UInt8] = []
        swap(&taken, &bytes)
        return taken
    }

    /// Drops everything written after `count` bytes; undoes a failed encode.
    mutating func truncate(to count: Int) {
        bytes.removeSubrange(count...)
    }

    // MARK: Raw bytes, for the frame layer and the format itself

    /// Appends bytes as they are, with no tag or length.
    package mutating func writeRaw(_ raw: UnsafeRawBufferPointer) {
        // Short runs (keys, small strings) byte by byte: the bulk append's set-up costs more.
        if raw.count <= 16 {
            for byte in raw { bytes.append(byte) }
        } else {
            if raw.count >= LargeBuffers.threshold && bytes.capacity - bytes.count < raw.count {
                var larger = LargeBuffers.take(capacity: bytes.count + raw.count + Self.typicalCallSize)
                larger += bytes
                bytes = larger
            }
            bytes.append(contentsOf: raw)
        }
    }

    /// Appends 4 bytes, least significant first.
    package mutating func writeUInt32LittleEndian(_ value: UInt32) {
        writeLittleEndian(value)
    }

    /// Appends 8 bytes, least significant first.
    package mutating func writeUInt64LittleEndian(_ value: UInt64) {
        writeLittleEndian(value)
    }

    private mutating func writeLittleEndian<Integer: FixedWidthInteger & UnsignedInteger>(_ value: Integer) {
        var remaining = value
        for _ in 0..<(Integer.bitWidth / 8) {
            bytes.append(UInt8(truncatingIfNeeded: remaining))
            remaining >>= 8
        }
    }

    /// Overwrites 4 bytes at `offset`, least significant first: a length known only later.
    package mutating func patchUInt32LittleEndian(_ value: UInt32, at offset: Int) {
        precondition(offset >= 0 && offset <= bytes.count - 4, "patch outside the written bytes")
        bytes.withUnsafeMutableBytes { $0.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt32.self) }
    }

    mutating func writeTag(_ tag: WireTag) {
        bytes.append(tag.rawValue)
    }

    /// An unsigned LEB128 varint: 64-bit values in up to 10 bytes, 128-bit ones in up to 19.
    mutating func writeVarint<Value: FixedWidthInteger & UnsignedInteger>(_ value: Value) {
        var remaining = value
        while remaining >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining &>>= 7
        }
        bytes.append(UInt8(truncatingIfNeeded: remaining))
    }

    /// A dictionary key or coding key: varint length and UTF-8, no tag (it is always a string).
    mutating func writeKey(_ key: String) {
        var key = key
        key.withUTF8 { utf8 in
            writeVarint(UInt64(utf8.count))
            writeRaw(UnsafeRawBufferPointer(utf8))
        }
    }

    // MARK: Tagged values

    mutating func writeBool(_ value: Bool) {
        writeTag(value ? .true : .false)
    }

    mutating func writeSignedInteger(_ value: Int64) {
        writeTag(.signedInteger)
        writeVarint(ZigZag.encode(value))
    }

    mutating func writeUnsignedInteger(_ value: UInt64) {
        writeTag(.unsignedInteger)
        writeVarint(value)
    }

    mutating func writeFloat(_ value: Float) {
        writeTag(.float32)
        writeUInt32LittleEndian(value.bitPattern)
    }

    mutating func writeDouble(_ value: Double) {
        writeTag(.float64)
        writeUInt64LittleEndian(value.bitPattern)
    }

    mutating func writeString(_ value: String) {
        writeTag(.string)
        writeKey(value)  // the same layout as a key, after the tag
    }

    mutating func writeBytes(_ raw: UnsafeRawBufferPointer) {
        writeTag(.bytes)
        writeVarint(UInt64(raw.count))
        writeRaw(raw)
    }

    // MARK: The API generated code calls

    /// Appends any `Encodable` value; Optionals keep `.some(nil)` apart from `nil`.
    public mutating func encode<T: Encodable>(_ value: T) throws {
        // The commonest value a caller that knows it only generically passes (a distributed
        // call's argument or result): a metatype comparison, where the conformance lookup
        // below costs 20-50 ns, four times in each distributed call.
        if T.self == String.self { return writeString(unsafeBitCast(value, to: String.self)) }
        // A metatype check: a value cast (`value as? any IntrinsicWireEncodable`) would look
        // through an Optional and drop its `some` marker.
        let intrinsicType = T.self as? any IntrinsicWireEncodable.Type
        if let intrinsicType, intrinsicType.writeWithoutState(value, to: &self) { return }
        try WireEncodingState.encode(value, intrinsicType: intrinsicType, into: &self)
    }

    // The fast paths throw only so that generated code can put `try` before every `encode`.

    /// Passes an object to the host: the host gets a client that calls it here.
    /// - Throws: `EncodingError` outside the arguments of a call from a bridge's parent, and
    ///   `BridgeError.stopped` once the bridge is stopping.
    public mutating func encodeObject(_ object: _BridgeExport) throws {
        guard let objectExporter else {
            throw EncodingError.invalidValue(object.interface.name, EncodingError.Context(
                codingPath: [],
                debugDescription: "an object (here an 'any \(object.interface.name)') can only be passed as an argument of a call from a bridge's parent to its host"))
        }
        writeUInt32LittleEndian(try objectExporter.export(object))
    }

    /// Appends a `String`.
    public mutating func encode(_ value: String) throws { writeString(value) }
    /// Appends a `Bool`.
    public mutating func encode(_ value: Bool) throws { writeBool(value) }
    /// Appends an `Int`.
    public mutating func encode(_ value: Int) throws { writeSignedInteger(Int64(value)) }
    /// Appends an `Int8`.
    public mutating func encode(_ value: Int8) throws { writeSignedInteger(Int64(value)) }
    /// Appends an `Int16`.
    public mutating func encode(_ value: Int16) throws { writeSignedInteger(Int64(value)) }
    /// Appends an `Int32`.
    public mutating func encode(_ value: Int32) throws { writeSignedInteger(Int64(value)) }
    /// Appends an `Int64`.
    public mutating func encode(_ value: Int64) throws { writeSignedInteger(value) }
    /// Appends a `UInt`.
    public mutating func encode(_ value: UInt) throws { writeUnsignedInteger(UInt64(value)) }
    /// Appends a `UInt8`.
    public mutating func encode(_ value: UInt8) throws { writeUnsignedInteger(UInt64(value)) }
    /// Appends a `UInt16`.
    public mutating func encode(_ value: UInt16) throws { writeUnsignedInteger(UInt64(value)) }
    /// Appends a `UInt32`.
    public mutating func encode(_ value: UInt32) throws { writeUnsignedInteger(UInt64(value)) }
    /// Appends a `UInt64`.
    public mutating func encode(_ value: UInt64) throws { writeUnsignedInteger(value) }
    /// Appends a `Double`, bit for bit (NaN payloads and the sign of zero survive).
    public mutating func encode(_ value: Double) throws { writeDouble(value) }
    /// Appends a `Float`, bit for bit (NaN payloads and the sign of zero survive).
    public mutating func encode(_ value: Float) throws { writeFloat(value) }
}

// `Int128` and `UInt128` (see WideIntegers.swift).
@available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
extension _WireWriter {
    mutating func writeSignedInteger(_ value: Int128) {
        if let narrow = Int64(exactly: value) { return writeSignedInteger(narrow) }
        writeTag(.signedInteger)
        writeVarint(ZigZag.encode(value))
    }

    mutating func writeUnsignedInteger(_ value: UInt128) {
        if let narrow = UInt64(exactly: value) { return writeUnsignedInteger(narrow) }
        writeTag(.unsignedInteger)
        writeVarint(value)
    }
}
