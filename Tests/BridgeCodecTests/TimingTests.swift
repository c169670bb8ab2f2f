import Bridge
import Foundation
import Testing

/// Prints, not asserts: timings depend on the machine and the build configuration.
@Suite struct TimingTests {
    struct SmallStruct: Codable, Equatable {
        var id: Int
        var name: String
        var score: Double
    }

    @Test func encodeAndDecodeOfASmallStruct() throws {
        let value = SmallStruct(id: 42, name: "small struct", score: 0.5)
        let iterations = 200_000
        var decodedCount = 0

        func measure(_ body: () throws -> Void) rethrows -> Double {
            let clock = ContinuousClock()
            let elapsed = try clock.measure { for _ in 0..<iterations { try body() } }
            let (seconds, attoseconds) = elapsed.components
            return (Double(seconds) * 1e9 + Double(attoseconds) / 1e9) / Double(iterations)
        }

        for _ in 0..<1000 {  // warm the caches the runtime fills on first use
            var writer = _WireWriter()
            try writer.encode(value)
            var reader = _WireReader(bytes: writer.bytes)
            _ = try reader.decode(SmallStruct.self)
        }

        let wire = try measure {
            var writer = _WireWriter()
            try writer.encode(value)
            var reader = _WireReader(bytes: writer.bytes)
            if try reader.decode(SmallStruct.self) == value { decodedCount += 1 }
        }
        let encodeOnly = try measure {
            var writer = _WireWriter()
            try writer.encode(value)
            if writer.bytes.isEmpty { decodedCount = -1 }
        }
        let fastPaths = try measure {  // the same three fields as arguments, as generated code sends them
            var writer = _WireWriter()
            try writer.encode(value.id)
            try writer.encode(value.name)
            try writer.encode(value.score)
            var reader = _WireReader(bytes: writer.bytes)
            let copy = SmallStruct(id: try reader.decode(Int.self), name: try reader.decode(String.self), score: try reader.decode(Double.self))
            if copy == value { decodedCount += 1 }
        }
        let json = try measure {
            let data = try JSONEncoder().encode(value)
            _ = try JSONDecoder().decode(SmallStruct.self, from: data)
        }
        #expect(decodedCount == 2 * iterations)
        #if DEBUG
        let configuration = "debug"
        #else
        let configuration = "release"
        #endif
        print("""
            wire codec, \(configuration) build, \(iterations) iterations: \
            struct encode+decode \(String(format: "%.0f", wire)) ns (encode alone \(String(format: "%.0f", encodeOnly)) ns, \
            \(try encoded(value).count) bytes); the fields as three fast-path arguments \(String(format: "%.0f", fastPaths)) ns; \
            JSONEncoder+JSONDecoder \(String(format: "%.0f", json)) ns
            """)
    }
}
