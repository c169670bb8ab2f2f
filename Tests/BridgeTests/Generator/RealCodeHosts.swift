import Bridge
import Foundation

// Valid Swift that the generator once got wrong (issue 17, "The generator, against real code"),
// each called end to end by RealCodeClientTests through a real host. That this file's target
// compiles is the check that the generated code for each compiles.

/// A result builder with a generic argument, written on requirements as
/// `@ScoreBuilder<String>`: the builder is inferred on the real type's witnesses, and the
/// generated client's bodies return explicitly so that it is not inferred on them.
@resultBuilder
enum ScoreBuilder<Tag> {
    static func buildBlock(_ parts: Int...) -> Int { parts.reduce(0, +) }
}

/// Attributes with generic arguments, and `$` inside names.
protocol Scoreboard: Bridged, Sendable {
    @ScoreBuilder<String> func total() async throws -> Int
    @available(macOS 10.15, *) @ScoreBuilder<[String: Int]>
    var count: Int { get throws }
    @discardableResult
    func reset$All() async throws -> Bool
    var _$id: Int { get throws }
}

final class LocalScoreboard: Scoreboard {
    init() {}
    func total() async throws -> Int {
        40
        2
    }
    var count: Int {
        get throws {
            3
            4
        }
    }
    func reset$All() async throws -> Bool { true }
    var _$id: Int { get throws { 9 } }
}

/// One declaration in each branch of an `#if`: the compiler sees one, and so does the
/// generated code.
#if os(Linux)
protocol HostPlatform: Bridged, Sendable {
    func name() async throws -> String
}
#else
protocol HostPlatform: Bridged, Sendable {
    func name() async throws -> String
    func version() async throws -> Int
}
#endif

final class LocalHostPlatform: HostPlatform {
    init() {}
    #if os(Linux)
    func name() async throws -> String { "linux" }
    #else
    func name() async throws -> String { "other" }
    func version() async throws -> Int { 1 }
    #endif
}

/// A callback protocol, passed by its bare name (`Gauge`, not `any Gauge`) as swift-metrics
/// writes its handlers.
protocol Gauge: Bridged, Sendable {
    func record(_ value: Int) async throws
}

protocol GaugeFactory: Bridged, Sendable {
    func measure(label: String, into gauge: Gauge) async throws -> Int
}

final class LocalGaugeFactory: GaugeFactory {
    init() {}
    func measure(label: String, into gauge: Gauge) async throws -> Int {
        try await gauge.record(label.count)
        return label.count
    }
}
