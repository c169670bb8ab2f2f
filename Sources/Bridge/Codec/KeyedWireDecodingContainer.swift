/// Reads a value's fields from its keyed entries.
///
/// Lookups first try the entry at the cursor (fields read in the order they were written
/// cost one key comparison each), then scan every entry, skipping values by their lengths.
struct KeyedWireDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    /// The value this container is the content of; it holds the cursor.
    let decoder: WireDecoder
    /// Where the entries lie.
    let body: Range<Int>

    var codingPath: [any CodingKey] { decoder.codingPath }

    var allKeys: [Key] {
        var keys: [Key] = []
        var reader = decoder.reader(at: body.lowerBound, end: body.upperBound)
        do throws(WireFormatError) {
            while !reader.isAtEnd {
                let keyRange = try reader.readKey()
                try reader.skipValue()
                guard let text = reader.string(in: keyRange) else { throw .invalidUTF8(at: keyRange.lowerBound) }
                if let key = Key(stringValue: text) { keys.append(key) }
            }
        } catch {
            decoder.record(error)  // this property cannot throw; the decoder throws it later
        }
        return keys
    }

    func contains(_ key: Key) -> Bool {
        do throws(WireFormatError) {
            return try locate(key.stringValue) != nil
        } catch {
            decoder.record(error)
            return false
        }
    }

    /// Finds the entry for `key` and returns a reader at its value, or nil if there is none.
    private func locate(_ key: String) throws(WireFormatError) -> _WireReader? {
        var reader = decoder.reader(at: decoder.keyedCursor, end: body.upperBound)
        if !reader.isAtEnd {
            let keyRange = try reader.readKey()
            if reader.bytes(in: keyRange, equal: key) { return reader }
        }
        reader.offset = body.lowerBound
        while !reader.isAtEnd {
            let keyRange = try reader.readKey()
            if reader.bytes(in: keyRange, equal: key) { return reader }
            try reader.skipValue()
        }
        return nil
    }

    /// A reader at the value for `key`, or nil when there is no entry for it.
    private func entryReader(forKey key: Key) throws -> _WireReader? {
        do throws(WireFormatError) {
            return try locate(key.stringValue)
        } catch {
            throw error.decodingError(codingPath: codingPath + [key])
        }
    }

    private func keyNotFound(_ key: any CodingKey) -> DecodingError {
        DecodingError.keyNotFound(key, DecodingError.Context(
            codingPath: codingPath,
            debugDescription: "no entry for key '\(key.stringValue)' in the keyed container at byte offset \(decoder.start)"
        ))
    }

    // Inlined so that each primitive overload gets its own copy with `Value` known: a generic
    // helper inside this generic type would look up type metadata at run time on every call.

    /// Reads a primitive for `key` with `read`, and moves the cursor past it.
    @inline(__always)
    private func decodeEntry<Value>(
        _ key: Key,
        _ read: (inout _WireReader) throws(WireFormatError) -> Value
    ) throws -> Value {
        guard var reader = try entryReader(forKey: key) else { throw keyNotFound(key) }
        do throws(WireFormatError) {
            let value = try read(&reader)
            decoder.keyedCursor = reader.offset
            return value
        } catch {
            throw error.decodingError(codingPath: codingPath + [key])
        }
    }

    /// Like `decodeEntry`, but nil for an absent key or a `nil` value.
    @inline(__always)
    private func decodeEntryIfPresent<Value>(
        _ key: Key,
        _ read: (inout _WireReader) throws(WireFormatError) -> Value
    ) throws -> Value? {
        guard var reader = try entryReader(forKey: key) else { return nil }
        do throws(WireFormatError) {
            if try reader.peekTag() == .null {
                decoder.keyedCursor = reader.offset + 1
                return nil
            }
            let value = try read(&reader)
            decoder.keyedCursor = reader.offset
            return value
        } catch {
            throw error.decodingError(codingPath: codingPath + [key])
        }
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        guard let reader = try entryReader(forKey: key) else { throw keyNotFound(key) }
        do throws(WireFormatError) {
            // Only a nil is consumed: the usual next call decodes the same key, from the cursor.
            guard try reader.peekTag() == .null else { return false }
            decoder.keyedCursor = reader.offset + 1
            return true
        } catch {
            throw error.decodingError(codingPath: codingPath + [key])
        }
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        try decodeEntry(key) { (reader) throws(WireFormatError) in try reader.readBool() }
    }

    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        try decodeEntry(key) { (reader) throws(WireFormatError) in try reader.readString() }
    }

    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        try decodeEntry(key) { (reader) throws(WireFormatError) in try reader.readDouble() }
    }

    func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
        try decodeEntry(key) { (reader) throws(WireFormatError) in try reader.readFloat() }
    }

    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decodeInteger(type, forKey: key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decodeInteger(type, forKey: key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decodeInteger(type, forKey: key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decodeInteger(type, forKey: key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decodeInteger(type, forKey: key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decodeInteger(type, forKey: key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decodeInteger(type, forKey: key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decodeInteger(type, forKey: key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decodeInteger(type, forKey: key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decodeInteger(type, forKey: key) }
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    func decode(_ type: Int128.Type, forKey key: Key) throws -> Int128 { try decodeInteger(type, forKey: key) }
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    func decode(_ type: UInt128.Type, forKey key: Key) throws -> UInt128 { try decodeInteger(type, forKey: key) }

    @inline(__always)
    private func decodeInteger<Integer: FixedWidthInteger>(_ type: Integer.Type, forKey key: Key) throws -> Integer {
        try decodeEntry(key) { (reader) throws(WireFormatError) in try reader.readInteger(type) }
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        guard var reader = try entryReader(forKey: key) else { throw keyNotFound(key) }
        let value = try reader.decodeValue(type, at: .entry(of: decoder, key: key))
        decoder.keyedCursor = reader.offset
        return value
    }

    // One lookup each, where the standard library's defaults would do three
    // (`contains`, `decodeNil`, `decode`).

    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
        try decodeEntryIfPresent(key) { (reader) throws(WireFormatError) in try reader.readBool() }
    }

    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        try decodeEntryIfPresent(key) { (reader) throws(WireFormatError) in try reader.readString() }
    }

    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? {
        try decodeEntryIfPresent(key) { (reader) throws(WireFormatError) in try reader.readDouble() }
    }

    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? {
        try decodeEntryIfPresent(key) { (reader) throws(WireFormatError) in try reader.readFloat() }
    }

    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try decodeIntegerIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try decodeIntegerIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try decodeIntegerIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try decodeIntegerIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try decodeIntegerIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try decodeIntegerIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try decodeIntegerIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try decodeIntegerIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try decodeIntegerIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try decodeIntegerIfPresent(type, forKey: key) }
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    func decodeIfPresent(_ type: Int128.Type, forKey key: Key) throws -> Int128? { try decodeIntegerIfPresent(type, forKey: key) }
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    func decodeIfPresent(_ type: UInt128.Type, forKey key: Key) throws -> UInt128? { try decodeIntegerIfPresent(type, forKey: key) }

    @inline(__always)
    private func decodeIntegerIfPresent<Integer: FixedWidthInteger>(_ type: Integer.Type, forKey key: Key) throws -> Integer? {
        try decodeEntryIfPresent(key) { (reader) throws(WireFormatError) in try reader.readInteger(type) }
    }

    /// Absent key: nil. A `nil` value: nil, unless `T` is itself Optional, in which case it
    /// decodes as `T`'s nil. A `some` marker (see `encodeIfPresent`): the value after it, even
    /// if that is `nil`. So `Int??.some(nil)` survives in a field.
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard var reader = try entryReader(forKey: key) else { return nil }
        let position = DecodingPosition.entry(of: decoder, key: key)
        let tag: WireTag
        do throws(WireFormatError) { tag = try reader.peekTag() } catch {
            throw error.decodingError(codingPath: codingPath + [key])
        }
        let value: T
        switch tag {
        case .some:
            try position.checkNesting(at: reader.offset)
            reader.offset += 1
            value = try reader.decodeValue(type, at: position.unwrapped())
        case .null where !(T.self is any OptionalMarker.Type):
            reader.offset += 1
            decoder.keyedCursor = reader.offset
            return nil
        default:
            value = try reader.decodeValue(type, at: position)
        }
        decoder.keyedCursor = reader.offset
        return value
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type,
        forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try nestedDecoder(forKey: key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try nestedDecoder(forKey: key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        try nestedDecoder(forKey: SuperCodingKey())
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        try nestedDecoder(forKey: key)
    }

    /// A decoder for the value of `key`, which the caller reads through its own containers.
    private func nestedDecoder(forKey key: any CodingKey) throws -> WireDecoder {
        let found: _WireReader?
        do throws(WireFormatError) { found = try locate(key.stringValue) } catch {
            throw error.decodingError(codingPath: codingPath + [key])
        }
        guard var reader = found else { throw keyNotFound(key) }
        let nested = try decoder.nested(at: reader.offset, end: body.upperBound, key: key)
        do throws(WireFormatError) { try reader.skipValue() } catch {
            throw error.decodingError(codingPath: codingPath + [key])
        }
        decoder.keyedCursor = reader.offset
        return nested
    }
}
