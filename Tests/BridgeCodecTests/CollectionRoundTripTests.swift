import Bridge
import Testing

@Suite struct CollectionRoundTripTests {
    @Test func emptyCollectionsSurvive() throws {
        #expect(try roundTrip([Int]()) == [])
        #expect(try roundTrip([String: Int]()) == [:])
        #expect(try roundTrip(Set<String>()) == [])
        #expect(try roundTrip([[Int]]([[]])) == [[]])
    }

    @Test func aMillionElementArraySurvives() throws {
        let value = (0..<1_000_000).map { $0 &* 2_654_435_761 % 1_000_003 - 500_000 }
        #expect(try roundTrip(value) == value)
    }

    @Test func aHundredThousandStringsSurvive() throws {
        let value = (0..<100_000).map { "item \($0)" }
        #expect(try roundTrip(value) == value)
    }

    @Test func dictionariesOfOptionalArraysSurvive() throws {
        let value: [String: [Int?]] = ["a": [1, nil, 3], "": [], "nils": [nil, nil], "é": [Int.min]]
        #expect(try roundTrip(value) == value)
    }

    @Test func dictionariesWithIntAndOtherKeysSurvive() throws {
        #expect(try roundTrip([1: "one", -2: "minus two"]) == [1: "one", -2: "minus two"])
        #expect(try roundTrip([1.5: true]) == [1.5: true])  // encoded as an unkeyed list of pairs
        let nested: [String: [String: [String]]] = ["x": ["y": ["z"]], "w": [:]]
        #expect(try roundTrip(nested) == nested)
    }

    @Test func setsSurvive() throws {
        let value: Set<String> = ["a", "b", "😀", ""]
        #expect(try roundTrip(value) == value)
        #expect(try roundTrip(Set(0..<1000)) == Set(0..<1000))
    }

    @Test func nestedArraysSurvive() throws {
        let value = [[[1], []], [[2, 3]], []]
        #expect(try roundTrip(value) == value)
    }

    @Test func byteArraysTravelAsOneBytesValue() throws {
        let value = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let bytes = try encoded(value)
        #expect(bytes.count == value.count + 1 + 3)
        #expect(try decoded([UInt8].self, from: bytes) == value)
        #expect(try roundTrip([UInt8]()) == [])
        #expect(try roundTrip([[UInt8]]([[1, 2], []])) == [[1, 2], []])
    }

    @Test func otherByteSizedArraysStayArraysOfIntegers() throws {
        #expect(try roundTrip([Int8(-1), 2]) == [-1, 2])
        #expect(try encoded([Int8(-1)]).first == WireTag.unkeyedContainer.rawValue)
    }
}
