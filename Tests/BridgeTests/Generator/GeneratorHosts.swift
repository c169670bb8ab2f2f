import Bridge
import Foundation

// Protocols and real types that use what the generator accepts, each called end to end by
// GeneratedClientTests through a real host.

/// A namespace with a protocol nested in it; its requirements name a sibling type unqualified.
enum Geometry {
    struct Point: Codable, Equatable, Sendable {
        var x: Int
        var y: Int
    }

    /// A nested protocol: its client is `Geometry.PlotterClient`.
    protocol Plotter: Bridged, Sendable {
        func translate(_ point: Point, by offset: (dx: Int, dy: Int)) async throws -> Point
        func origin() throws -> Point
    }

    /// A nested real type.
    final class LocalPlotter: Plotter {
        init() {}
        func translate(_ point: Point, by offset: (dx: Int, dy: Int)) async throws -> Point {
            Point(x: point.x + offset.dx, y: point.y + offset.dy)
        }
        func origin() throws -> Point { Point(x: 0, y: 0) }
    }
}

/// Spellings of every kind: attributes, keywords as names, overloads, arrays, tuples,
/// comments between parameters, `#if` around requirements, effectful properties.
public protocol Kitchen: Bridged, Sendable {
    @available(macOS 10.15, *)
    @discardableResult
    func `default`(for `in`: String) async throws -> Int
    func measure(_ value: Int) async throws -> String
    func measure(_ value: Double) async throws -> String  // overload by type
    func measure(grams value: Int) async throws -> String  // overload by label
    func measure() async throws -> Int  // overloads by result type alone
    func measure() async throws -> String
    @concurrent func concurrently(_ value: Int) async throws -> Int  // the client is nonsending
    func `add up`(`first value`: Int, _object: Int, _connection: Int) async throws -> Int  // raw identifiers; the client's own names
    func numbers() async throws -> AsyncThrowingStream<Int, any Error>  // streams told apart by their element type
    func numbers() async throws -> AsyncThrowingStream<String, any Error>
    func sum(_ values: [Int], scale: Int) throws -> Int
    func describe(
        name: String,  // a comment with a brace {
        /* "a string" in a comment */ tags: [String: [Int?]],
        when: Date, at location: URL,
        blob: Foundation.Data,
        count: Swift.Int, maybe: Optional<String>
    ) async throws -> String
    func split(_ pair: (Int, String)) async throws -> (number: Int, text: String)
    func swapped(_ pair: (Int, (String, Bool))) throws -> ((Bool, String), Int)
    var size: Int { get throws }
    var label: String { get async throws }
    #if os(Linux)
    func platform() async throws -> String
    #else
    func platform(other: Int) async throws -> String
    #endif
    func untyped(_ value: Int) throws(any Error) -> Int
}

final class LocalKitchen: Kitchen {
    init() {}
    func `default`(for `in`: String) async throws -> Int { `in`.count }
    func measure(_ value: Int) async throws -> String { "int \(value)" }
    func measure(_ value: Double) async throws -> String { "double \(value)" }
    func measure(grams value: Int) async throws -> String { "\(value) g" }
    func measure() async throws -> Int { 12 }
    func measure() async throws -> String { "twelve" }
    @concurrent func concurrently(_ value: Int) async throws -> Int { value * 3 }
    func `add up`(`first value`: Int, _object: Int, _connection: Int) async throws -> Int { `first value` + _object + _connection }
    func numbers() async throws -> AsyncThrowingStream<Int, any Error> {
        AsyncThrowingStream { for number in 1...3 { $0.yield(number) }; $0.finish() }
    }
    func numbers() async throws -> AsyncThrowingStream<String, any Error> {
        AsyncThrowingStream { for name in ["one", "two"] { $0.yield(name) }; $0.finish() }
    }
    func sum(_ values: [Int], scale: Int) throws -> Int { values.reduce(0, +) * scale }
    func describe(
        name: String, tags: [String: [Int?]], when: Date, at location: URL, blob: Data, count: Int, maybe: String?
    ) async throws -> String {
        let tagText = tags.keys.sorted().map { "\($0)=\(tags[$0]!.map { $0.map(String.init) ?? "nil" })" }.joined(separator: ",")
        return "\(name) \(tagText) \(Int(when.timeIntervalSince1970)) \(location.lastPathComponent) \(blob.count) \(count) \(maybe ?? "none")"
    }
    func split(_ pair: (Int, String)) async throws -> (number: Int, text: String) { (pair.0 * 2, pair.1 + "!") }
    func swapped(_ pair: (Int, (String, Bool))) throws -> ((Bool, String), Int) { ((pair.1.1, pair.1.0), pair.0) }
    var size: Int { get throws { 42 } }
    var label: String { get async throws { "kitchen \(getpid())" } }
    #if os(Linux)
    func platform() async throws -> String { "linux" }
    #else
    func platform(other: Int) async throws -> String { "other" }
    #endif
    func untyped(_ value: Int) throws(any Error) -> Int { value + 1 }
}

/// A package protocol beside a public and an internal one in the same file.
package protocol Counter: Bridged {
    func increment(by amount: Int) async throws -> Int
}

final class LocalCounter: Counter {
    private var total = 0
    init() {}
    func increment(by amount: Int) async throws -> Int {
        total += amount
        return total
    }
}

// Inheritance: `Greeter` is bridged through `Named`; `LoudGreeter` lists `Bridged` again.

protocol Named: Bridged {
    func name() async throws -> String
}

protocol Greeter: Named {
    func greet(_ who: String) async throws -> String
}

protocol LoudGreeter: Greeter, Bridged {
    func shout(_ who: String) throws -> String
}

final class LocalLoudGreeter: LoudGreeter {
    init() {}
    func name() async throws -> String { "greeter \(getpid())" }
    func greet(_ who: String) async throws -> String { "hello, \(who)" }
    func shout(_ who: String) throws -> String { "HELLO, \(who.uppercased())" }
}

/// A type named as the dispatch table of a nested protocol named its generic parameter until
/// 2026-12-07 (`typealias Real = Double` is common in numeric code).
struct Real: Codable, Sendable, Equatable {
    var x: Double
}

enum Numeric {
    /// Nested: its dispatch table is a generic function of its client.
    protocol Maker: Bridged {
        func make(_ x: Double) async throws -> Real
    }
}

final class LocalMaker: Numeric.Maker {
    init() {}
    func make(_ x: Double) async throws -> Real { Real(x: x * 2) }
}
