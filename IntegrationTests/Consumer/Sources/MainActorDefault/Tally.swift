import Bridge

// This target's default isolation is the main actor (Swift 6.2's `.defaultIsolation`), as an
// app target's often is. A bridge encodes, calls and serves off the main actor, so the bridged
// protocol, its real type and the values it carries say `nonisolated` (README, "What the
// generator accepts"); the generated code says it for itself.

/// A running total.
nonisolated public struct Tally: Codable, Sendable, Equatable {
    /// How many numbers were added.
    public var count: Int
    /// Their sum.
    public var total: Int
    /// A tally of `count` numbers that sum to `total`.
    public init(count: Int, total: Int) {
        self.count = count
        self.total = total
    }
}

/// Adds numbers up in a host process.
nonisolated public protocol Tallying: Bridged {
    /// Adds `value` and returns the tally so far.
    func add(_ value: Int) async throws -> Tally
    /// Starts again from nothing.
    func reset() throws
}

/// The real tally, in the host.
nonisolated public final class LocalTallying: Tallying {
    private var tally = Tally(count: 0, total: 0)
    /// An empty tally.
    public init() {}
    /// Adds `value` and returns the tally so far.
    public func add(_ value: Int) async throws -> Tally {
        tally.count += 1
        tally.total += value
        return tally
    }
    /// Starts again from nothing.
    public func reset() throws { tally = Tally(count: 0, total: 0) }
}
