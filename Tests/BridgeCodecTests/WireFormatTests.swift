import Bridge
import Testing

/// Pins the bytes of the format, which both ends of a connection must agree on.
@Suite struct WireFormatTests {
    @Test func primitivesHaveATagThenACompactPayload() throws {
        #expect(try encoded(0) == [0x04, 0x00])
        #expect(try encoded(-1) == [0x04, 0x01])
        #expect(try encoded(1) == [0x04, 0x02])
        #expect(try encoded(UInt(300)) == [0x05, 0xAC, 0x02])
        #expect(try encoded(true) == [0x03])
        #expect(try encoded(false) == [0x02])
        #expect(try encoded("hi") == [0x08, 0x02, 0x68, 0x69])
        #expect(try encoded(Float(1)) == [0x06, 0x00, 0x00, 0x80, 0x3F])
        #expect(try encoded(Double(1)) == [0x07, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F])
        #expect(try encoded([UInt8]([7, 8])) == [0x09, 0x02, 7, 8])
        #expect(try encoded(Int.min) == [0x04] + [UInt8](repeating: 0xFF, count: 9) + [0x01])
    }

    @Test func optionalsMarkEveryLevel() throws {
        #expect(try encoded(Int?.none) == [0x01])
        #expect(try encoded(Int?.some(1)) == [0x0A, 0x04, 0x02])
        #expect(try encoded(Int??.some(.none)) == [0x0A, 0x01])
        #expect(try encoded(Int??.some(.some(1))) == [0x0A, 0x0A, 0x04, 0x02])
    }

    @Test func containersCarryTheirBodyLength() throws {
        struct One: Codable { var a = 1 }
        #expect(try encoded(One()) == [0x0B, 0x04, 0x00, 0x00, 0x00, 0x01, 0x61, 0x04, 0x02])
        #expect(try encoded([1, 2]) == [0x0C, 0x04, 0x00, 0x00, 0x00, 0x04, 0x02, 0x04, 0x04])
        #expect(try encoded([[Int]]()) == [0x0C, 0x00, 0x00, 0x00, 0x00])
    }

    @Test func aValueThatWritesNothingIsEmpty() throws {
        struct Nothing: Codable {
            init() {}
            init(from decoder: any Decoder) throws {}
            func encode(to encoder: any Encoder) throws {}
        }
        #expect(try encoded(Nothing()) == [0x0D])
        #expect(try encoded([Nothing()]) == [0x0C, 0x01, 0x00, 0x00, 0x00, 0x0D])
        _ = try roundTrip([Nothing()])
    }

    @Test func tagsStartAtOneSoThatZeroedBytesAreRejected() throws {
        #expect(WireTag.null.rawValue == 1)
        #expect(throws: DecodingError.self) { try decoded(Int.self, from: [0x00]) }
    }
}
