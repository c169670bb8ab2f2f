import Bridge
import Testing

@Suite struct PrimitiveRoundTripTests {
    @Test func integersSurviveAtTheirExtremes() throws {
        func check<I: FixedWidthInteger & Codable>(_ type: I.Type) throws {
            for value in [I.min, I.max, 0, 1, I.min / 2, I.max / 2, I.max - 1] {
                #expect(try roundTrip(value) == value, "\(I.self) \(value)")
            }
        }
        try check(Int.self)
        try check(Int8.self)
        try check(Int16.self)
        try check(Int32.self)
        try check(Int64.self)
        try check(UInt.self)
        try check(UInt8.self)
        try check(UInt16.self)
        try check(UInt32.self)
        try check(UInt64.self)
        #expect(try roundTrip(-1) == -1)
    }

    @Test func integersSurviveInsideContainers() throws {
        struct AllWidths: Codable, Equatable {
            var int = Int.min, int8 = Int8.min, int16 = Int16.min, int32 = Int32.min, int64 = Int64.min
            var uint = UInt.max, uint8 = UInt8.max, uint16 = UInt16.max, uint32 = UInt32.max, uint64 = UInt64.max
        }
        #expect(try roundTrip(AllWidths()) == AllWidths())
        #expect(try roundTrip([Int64.min, -1, 0, Int64.max]) == [Int64.min, -1, 0, Int64.max])
        #expect(try roundTrip([UInt64.max, 0]) == [UInt64.max, 0])
        #expect(try roundTrip([Int8.min, Int8.max]) == [Int8.min, Int8.max])
    }

    /// `Int128` and `UInt128` (a new user's protocol with an `Int128` parameter built, then
    /// failed at its call: the encoder had no support for them).
    @Test func wideIntegersSurviveAtTheirExtremesAndInContainers() throws {
        func check<I: FixedWidthInteger & Codable>(_ type: I.Type) throws {
            for value in [I.min, I.max, 0, 1, I.min / 2, I.max / 2, I.max - 1, I(Int64.max) + 1, I(UInt64.max)] {
                #expect(try roundTrip(value) == value, "\(I.self) \(value)")
            }
        }
        try check(Int128.self)
        try check(UInt128.self)
        struct Wide: Codable, Equatable {
            var signed = Int128.min
            var unsigned = UInt128.max
            var list: [Int128] = [-1, 0, Int128(Int64.min) - 1]
            var maybe: UInt128? = 1 << 100
        }
        #expect(try roundTrip(Wide()) == Wide())
        // A value that fits 64 bits is written as the narrow types write it, so either reads
        // it; one that does not fit is refused as out of range, not wrapped.
        #expect(try encoded(Int128(-7)) == (try encoded(Int64(-7))))
        #expect(try decoded(Int64.self, from: try encoded(Int128(-7))) == -7)
        #expect(try decoded(Int128.self, from: try encoded(UInt64.max)) == Int128(UInt64.max))
        #expect(throws: DecodingError.self) { try decoded(Int64.self, from: try encoded(Int128.max)) }
        #expect(throws: DecodingError.self) { try decoded(UInt128.self, from: try encoded(Int128(-1))) }
    }

    @Test func integersDecodeIntoAnyTypeTheyFit() throws {
        #expect(try decoded(Int64.self, from: try encoded(Int8(-7))) == -7)
        #expect(try decoded(Int8.self, from: try encoded(Int64(-7))) == -7)
        #expect(try decoded(UInt8.self, from: try encoded(200)) == 200)
        #expect(try decoded(Int.self, from: try encoded(UInt64(5))) == 5)
    }

    @Test func integersThatDoNotFitAreAClearError() throws {
        let tooBig = #expect(throws: DecodingError.self) { try decoded(UInt8.self, from: try encoded(300)) }
        #expect(message(of: tooBig).contains("integer 300 at byte offset 0 does not fit in UInt8"))
        let negative = #expect(throws: DecodingError.self) { try decoded(UInt.self, from: try encoded(-1)) }
        #expect(message(of: negative).contains("does not fit in UInt"))
        #expect(throws: DecodingError.self) { try decoded(Int.self, from: try encoded(UInt64.max)) }
        #expect(throws: DecodingError.self) { try decoded(Int32.self, from: try encoded(Int64(Int32.max) + 1)) }
    }

    @Test func doublesSurviveBitForBit() throws {
        let values: [Double] = [
            0, -0.0, 1, -1, .pi, .infinity, -.infinity, .greatestFiniteMagnitude,
            .leastNonzeroMagnitude, .leastNormalMagnitude, .nan, -.nan,
            Double(bitPattern: 0x7FF8_0000_DEAD_BEEF),  // quiet NaN with a payload
            Double(bitPattern: 0x7FF0_0000_0000_0001),  // signalling NaN
        ]
        for value in values {
            #expect(try roundTrip(value).bitPattern == value.bitPattern, "\(value.bitPattern)")
            var writer = _WireWriter()
            try writer.encode(value)
            var reader = _WireReader(bytes: writer.bytes)
            #expect(try reader.decode(Double.self).bitPattern == value.bitPattern)
        }
        #expect(try roundTrip(-0.0).sign == .minus)
        #expect(try roundTrip([Double.nan]).map(\.bitPattern) == [Double.nan.bitPattern])
    }

    @Test func floatsSurviveBitForBit() throws {
        let values: [Float] = [
            0, -0.0, 1, .infinity, -.infinity, .greatestFiniteMagnitude, .leastNonzeroMagnitude,
            .nan, Float(bitPattern: 0x7FC0_BEEF), Float(bitPattern: 0x7F80_0001),
        ]
        for value in values {
            #expect(try roundTrip(value).bitPattern == value.bitPattern, "\(value.bitPattern)")
        }
    }

    @Test func floatsAndDoublesConvertOnlyWhenExact() throws {
        #expect(try decoded(Double.self, from: try encoded(Float(0.5))) == 0.5)
        #expect(try decoded(Float.self, from: try encoded(Double(0.25))) == 0.25)
        #expect(try decoded(Float.self, from: try encoded(Double.infinity)) == .infinity)
        #expect(throws: DecodingError.self) { try decoded(Float.self, from: try encoded(Double(0.1))) }
        #expect(throws: DecodingError.self) { try decoded(Double.self, from: try encoded(1)) }
    }

    @Test func boolsSurvive() throws {
        #expect(try roundTrip(true) == true)
        #expect(try roundTrip(false) == false)
        #expect(try roundTrip([true, false]) == [true, false])
        #expect(throws: DecodingError.self) { try decoded(Bool.self, from: try encoded(1)) }
    }

    @Test func stringsSurviveWhateverTheyHold() throws {
        let values = [
            "", "a", "a\u{0}b\u{0}", "\u{0}",
            "👩‍👩‍👧‍👦🇫🇷", "e\u{301}", "\u{1F600}", "日本語", "\u{FEFF}", "\u{10FFFF}",
            String(repeating: "x", count: 15), String(repeating: "y", count: 16),
        ]
        for value in values {
            let back = try roundTrip(value)
            #expect(back == value)
            #expect(Array(back.utf8) == Array(value.utf8))  // not just canonically equivalent
        }
        #expect(try roundTrip(values) == values)
    }

    @Test func aMegabyteStringSurvives() throws {
        let value = String(repeating: "abcdé🙂\u{0}", count: 1 << 17)
        #expect(value.utf8.count > 1_000_000)
        let bytes = try encoded(value)
        #expect(bytes.count == value.utf8.count + 1 + 3)  // tag, 3-byte varint length
        #expect(try decoded(String.self, from: bytes) == value)
    }

    @Test func invalidUTF8IsRejected() throws {
        let error = #expect(throws: DecodingError.self) { try decoded(String.self, from: [0x08, 0x02, 0xC3, 0x28]) }
        #expect(message(of: error).contains("not valid UTF-8"))
    }
}
