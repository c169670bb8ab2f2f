import Bridge
import Foundation
import Testing

// A frame can hold anything. Decoding must throw, never trap, hang or over-allocate.

private struct Sample: Codable, Equatable {
    enum Kind: Codable, Equatable { case plain, tagged(String, count: Int) }
    struct Inner: Codable, Equatable { var flag: Bool; var ratio: Float; var kind: Kind }

    var id: Int
    var name: String
    var ratio: Double
    var tags: [String]
    var scores: [String: [Int?]]
    var inner: Inner?
    var maybe: Int??
    var blob: Data
    var unsigned: UInt64
    var items: [Inner]

    static let example = Sample(
        id: -12345, name: "sample ✓", ratio: 0.75, tags: ["a", "", "ccc"],
        scores: ["x": [1, nil, 300], "y": []], inner: Inner(flag: true, ratio: 1.5, kind: .tagged("t", count: 2)),
        maybe: .some(nil), blob: Data([1, 2, 3, 255]), unsigned: .max,
        items: [Inner(flag: false, ratio: -0.0, kind: .plain)]
    )
}

/// Nests one level per value through unkeyed containers, to any depth.
private final class Nest: Codable {
    let inner: Nest?

    init(depth: Int) { inner = depth > 1 ? Nest(depth: depth - 1) : nil }

    var depth: Int { 1 + (inner?.depth ?? 0) }

    init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        inner = container.isAtEnd ? nil : try container.decode(Nest.self)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        if let inner { try container.encode(inner) }
    }

    /// `depth` unkeyed containers, each holding the next: built by hand, as an attacker would.
    static func bytes(depth: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for _ in 0..<depth {
            let length = UInt32(bytes.count)
            bytes = [WireTag.unkeyedContainer.rawValue] + withUnsafeBytes(of: length.littleEndian, Array.init) + bytes
        }
        return bytes
    }
}

/// Decodes itself from its own single value container, forever: only the depth limit stops it.
private struct Forever: Codable {
    init() {}

    init(from decoder: any Decoder) throws {
        _ = try decoder.singleValueContainer().decode(Forever.self)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self)
    }
}

/// Every shape the fuzzers try to decode garbage as.
private func decodeEverything(_ bytes: [UInt8]) -> Int {
    var successes = 0
    func attempt<T: Decodable>(_ type: T.Type) {
        var reader = _WireReader(bytes: bytes)  // values one after another, as a call's arguments
        while (try? reader.decode(type)) != nil {
            successes += 1
            if reader.isAtEnd { break }
        }
    }
    attempt(Sample.self)
    attempt(Int.self)
    attempt(UInt8.self)
    attempt(String.self)
    attempt(Double.self)
    attempt(Float.self)
    attempt(Bool.self)
    attempt(Data.self)
    attempt([UInt8].self)
    attempt(Int??.self)
    attempt([String: [Int?]].self)
    attempt([Double: String].self)
    attempt(Set<String>.self)
    attempt([Sample.Kind].self)
    attempt(Sample.Inner?.self)
    attempt(Nest.self)
    attempt(Date.self)
    attempt(URL.self)
    attempt(UUID.self)
    return successes
}

@Suite struct MalformedInputTests {
    @Test func theSampleRoundTrips() throws {
        #expect(try roundTrip(Sample.example) == Sample.example)
    }

    @Test func everyTruncationOfAValidEncodingThrows() throws {
        var writer = _WireWriter()
        try writer.encode(Sample.example)
        let bytes = writer.bytes
        for length in 0..<bytes.count {
            let prefix = Array(bytes[..<length])
            #expect(throws: DecodingError.self, "prefix of \(length) bytes") { try decoded(Sample.self, from: prefix) }
        }
    }

    @Test func everyTruncationOfACallsArgumentsThrows() throws {
        var writer = _WireWriter()
        try writer.encode("name")
        try writer.encode([1, 2, 3])
        try writer.encode(Double.pi)
        for length in 0..<writer.bytes.count {
            var reader = _WireReader(bytes: Array(writer.bytes[..<length]))
            #expect(throws: DecodingError.self, "prefix of \(length) bytes") {
                _ = try reader.decode(String.self)
                _ = try reader.decode([Int].self)
                _ = try reader.decode(Double.self)
            }
        }
    }

    @Test func randomBytesNeverTrap() throws {
        var random = SplitMix64(state: 0x5EED)
        let tags = (1...13).map(UInt8.init)
        var successes = 0
        for round in 0..<3000 {
            let count = Int(random.next() % 48)
            var bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            // Valid tags and small lengths at the front get the decoder past its first check.
            if round % 2 == 0, !bytes.isEmpty { bytes[0] = tags[Int(random.next() % 13)] }
            if round % 4 == 0, bytes.count > 5 { bytes[1] = UInt8(count - 5); bytes[2...4] = [0, 0, 0] }
            successes += decodeEverything(bytes)
        }
        #expect(successes > 0, "some random inputs should be valid values")
    }

    @Test func corruptedValidEncodingsNeverTrap() throws {
        var random = SplitMix64(state: 0xC0FFEE)
        let valid = try encoded(Sample.example)
        for _ in 0..<2000 {
            var bytes = valid
            for _ in 0..<(1 + random.next() % 3) {
                let index = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 3 {
                case 0: bytes[index] = UInt8(truncatingIfNeeded: random.next())
                case 1: bytes.remove(at: index)
                default: bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: index)
                }
            }
            _ = decodeEverything(bytes)
        }
    }

    @Test func hugeDeclaredLengthsFailFastWithoutAllocating() throws {
        // Each length is refused before anything is allocated for it: allocating exabytes
        // would kill the test process, not throw.
        func varint(_ value: UInt64) -> [UInt8] {
            var writer = _WireWriter()
            try? writer.encode(value)
            return Array(writer.bytes.dropFirst())  // drop the tag
        }
        let string = [WireTag.string.rawValue] + varint(UInt64(Int.max)) + [1, 2, 3]
        let stringError = #expect(throws: DecodingError.self) { try decoded(String.self, from: string) }
        #expect(message(of: stringError).contains("a string at byte offset 1 needs 9223372036854775807 bytes but only 3 remain"))

        let bytes = [WireTag.bytes.rawValue] + varint(.max) + [0]
        let dataError = #expect(throws: DecodingError.self) { try decoded(Data.self, from: bytes) }
        #expect(message(of: dataError).contains("needs 18446744073709551615 bytes but only 1 remain"))
        #expect(throws: DecodingError.self) { try decoded([UInt8].self, from: bytes) }

        let list: [UInt8] = [WireTag.unkeyedContainer.rawValue, 0xFF, 0xFF, 0xFF, 0xFF, 0x04, 0x00]
        let listError = #expect(throws: DecodingError.self) { try decoded([Int].self, from: list) }
        #expect(message(of: listError).contains("a container body at byte offset 1 needs 4294967295 bytes but only 2 remain"))

        let key: [UInt8] = [WireTag.keyedContainer.rawValue, 0x0A, 0, 0, 0] + varint(1 << 60) + [0x61]
        #expect(throws: DecodingError.self) { try decoded([String: Int].self, from: key) }
        #expect(throws: DecodingError.self) { try decoded(Sample.self, from: key) }
    }

    @Test func nestingBeyondTheLimitFailsCleanly() throws {
        let error = #expect(throws: DecodingError.self) { try decoded(Nest.self, from: Nest.bytes(depth: 100_000)) }
        #expect(message(of: error).contains("nesting deeper than 512 levels"))
        #expect(throws: DecodingError.self) { try decoded(Nest.self, from: Nest.bytes(depth: 513)) }
        #expect(try decoded(Nest.self, from: Nest.bytes(depth: 512)).depth == 512)
        #expect(throws: DecodingError.self) { try decoded([[[Nest]]].self, from: Nest.bytes(depth: 600)) }
    }

    @Test func theEncoderRefusesWhatTheDecoderWouldRefuse() throws {
        #expect(try roundTrip(Nest(depth: 512)).depth == 512)
        let error = #expect(throws: EncodingError.self) { try encoded(Nest(depth: 513)) }
        #expect(message(of: error).contains("nesting deeper than 512 levels"))
    }

    @Test func endlessRecursionWithoutContainersIsBoundedToo() throws {
        let decodeError = #expect(throws: DecodingError.self) { try decoded(Forever.self, from: [WireTag.null.rawValue]) }
        #expect(message(of: decodeError).contains("nesting deeper than 512 levels"))
        let encodeError = #expect(throws: EncodingError.self) { try encoded(Forever()) }
        #expect(message(of: encodeError).contains("nesting deeper than 512 levels"))
    }

    @Test func runsOfSomeMarkersCostNoRecursion() throws {
        let somes = [UInt8](repeating: WireTag.some.rawValue, count: 100_000)
        #expect(try decoded(Int.self, from: somes + [0x04, 0x02]) == 1)
        #expect(try decoded(Int??.self, from: somes + [0x04, 0x02]) == 1)
        #expect(try decoded([Int].self, from: somes + [0x0C, 0, 0, 0, 0]) == [])
    }

    @Test func malformedEntriesFoundByQueriesThatCannotThrowStillFailTheDecode() throws {
        // A keyed container whose second entry's key runs past the container's end.
        let bytes: [UInt8] = [0x0B, 0x06, 0, 0, 0, 0x01, 0x61, 0x04, 0x02, 0x09, 0x62]
        let error = #expect(throws: DecodingError.self) { try decoded([String: Int].self, from: bytes) }
        #expect(message(of: error).contains("a key at byte offset 9 needs 9 bytes but only 1 remain"))
        let list: [UInt8] = [0x0C, 0x03, 0, 0, 0, 0x04, 0x02, 0x7F]
        struct Counted: Decodable {
            init(from decoder: any Decoder) throws { _ = try decoder.unkeyedContainer().count }
        }
        #expect(throws: DecodingError.self) { try decoded(Counted.self, from: list) }
    }

    @Test func unknownTagsAndLongVarintsSayWhereTheyAre() throws {
        let unknown = #expect(throws: DecodingError.self) { try decoded([Int].self, from: [0x0C, 0x01, 0, 0, 0, 0x7F]) }
        #expect(message(of: unknown).contains("unknown tag 0x7F at byte offset 5"))
        let long = #expect(throws: DecodingError.self) {
            try decoded(Int.self, from: [0x04] + [UInt8](repeating: 0x80, count: 10) + [0x01])
        }
        #expect(message(of: long).contains("varint longer than 10 bytes at byte offset 1"))
        let overflow = #expect(throws: DecodingError.self) {
            try decoded(UInt64.self, from: [0x05] + [UInt8](repeating: 0xFF, count: 9) + [0x02])
        }
        #expect(message(of: overflow).contains("does not fit in 64 bits"))
        // An integer that may be 128 bits wide has up to 19 bytes, and no more.
        let wideLong = #expect(throws: DecodingError.self) {
            try decoded(Int128.self, from: [0x04] + [UInt8](repeating: 0x80, count: 19) + [0x01])
        }
        #expect(message(of: wideLong).contains("varint longer than 19 bytes at byte offset 1"), "\(message(of: wideLong))")
        let wideOverflow = #expect(throws: DecodingError.self) {
            try decoded(UInt128.self, from: [0x05] + [UInt8](repeating: 0xFF, count: 18) + [0x04])
        }
        #expect(message(of: wideOverflow).contains("does not fit in 128 bits"), "\(message(of: wideOverflow))")
        let empty = #expect(throws: DecodingError.self) { try decoded(Int.self, from: []) }
        #expect(message(of: empty).contains("byte offset 0"))
    }

    @Test func aValueOverrunningItsContainerIsCaught() throws {
        // The container claims 2 bytes; the string inside claims 5 more that lie outside it.
        let bytes: [UInt8] = [0x0C, 0x02, 0, 0, 0, 0x08, 0x05, 0x61, 0x62, 0x63, 0x64, 0x65]
        #expect(throws: DecodingError.self) { try decoded([String].self, from: bytes) }
    }
}
