import Bridge
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A struct that carries a shared state among plain values.
struct Scorecard: Codable, Sendable {
    var label: String
    var counter: SharedState<Int>
}

/// A richer value than a number, to check that any `Codable` value round-trips.
struct Inventory: Codable, Sendable, Equatable {
    var items: [String: Int]
    var note: String?
}

/// Uses the shared states the parent passes.
protocol StateUser: Bridged {
    /// The seed's case: `lst.append('a')` on a `Manager().list()`.
    func append(_ item: String, to list: SharedState<[String]>) async throws
    /// Adds 1 to `counter` `times` times with `update`; returns how often the body ran.
    func increment(_ counter: SharedState<Int>, times: Int) async throws -> Int
    func read(_ state: SharedState<Inventory>) async throws -> Inventory
    func write(_ value: Inventory, to state: SharedState<Inventory>) async throws
    /// Adds the count of `item` in `state` and returns the new count, from `update`'s result.
    func restock(_ item: String, by count: Int, in state: SharedState<Inventory>) async throws -> Int
    /// Adds 1 to the card's counter; returns its label and the new count.
    func count(_ card: Scorecard) async throws -> String
    /// Adds 1 to `first`, then 10 to `second`; returns what `second` then holds.
    func add(_ first: SharedState<Int>, _ second: SharedState<Int>) async throws -> Int
    /// Lets go of the state kept so far, reads the new one, and keeps it.
    func keep(_ state: SharedState<Int>) async throws -> Int
    /// Updates `counter` with a body that ends the host.
    func exitDuring(_ counter: SharedState<Int>) async throws
    /// Appends the next number to `sequence` `times` times; prints a line after `announceAfter`.
    func extend(_ sequence: SharedState<[Int]>, times: Int, announceAfter: Int) async throws
    /// Starts a host of its own and passes it `state`; returns the error that gave.
    func passOn(_ state: SharedState<Int>) async throws -> String
    /// Returns a shared state as a result.
    func makeState() async throws -> SharedState<Int>
    /// Does nothing: the parent learns its side channel from encoding the probe.
    func probe(_ probe: SideChannelProbe) async throws
}

final class LocalStateUser: StateUser, BridgeLifecycle {
    private var kept: SharedState<Int>?

    init() {}

    /// Tries the kept state after the parent asked the host to stop, and prints what happened.
    func bridgeWillStop() async {
        guard let kept else { return }
        do {
            print("stop hook: get() returned \(try await kept.get())")
        } catch let error as BridgeError {
            print("stop hook: BridgeError: \(error)")
        } catch {
            print("stop hook: \(type(of: error)): \(error)")
        }
    }

    func append(_ item: String, to list: SharedState<[String]>) async throws {
        try await list.update { $0.append(item) }
    }

    func increment(_ counter: SharedState<Int>, times: Int) async throws -> Int {
        var runs = 0
        for _ in 0..<times {
            try await counter.update { value in
                runs += 1
                value += 1
            }
        }
        return runs
    }

    func read(_ state: SharedState<Inventory>) async throws -> Inventory {
        try await state.get()
    }

    func write(_ value: Inventory, to state: SharedState<Inventory>) async throws {
        try await state.set(value)
    }

    func restock(_ item: String, by count: Int, in state: SharedState<Inventory>) async throws -> Int {
        try await state.update { inventory in
            inventory.items[item, default: 0] += count
            return inventory.items[item]!
        }
    }

    func count(_ card: Scorecard) async throws -> String {
        let count = try await card.counter.update { value in
            value += 1
            return value
        }
        return "\(card.label): \(count)"
    }

    func add(_ first: SharedState<Int>, _ second: SharedState<Int>) async throws -> Int {
        try await first.update { $0 += 1 }
        try await second.update { $0 += 10 }
        return try await second.get()
    }

    func keep(_ state: SharedState<Int>) async throws -> Int {
        kept = nil  // the parent hears of it before the call below reaches it
        let value = try await state.get()
        kept = state
        return value
    }

    func exitDuring(_ counter: SharedState<Int>) async throws {
        try await counter.update { value in
            value += 1000
            Glibc.exit(3)
        }
    }

    func extend(_ sequence: SharedState<[Int]>, times: Int, announceAfter: Int) async throws {
        for done in 0..<times {
            if done == announceAfter { print("extended \(done) times") }
            try await sequence.update { $0.append(($0.last ?? -1) + 1) }
        }
    }

    func passOn(_ state: SharedState<Int>) async throws -> String {
        try await withBridge(LocalStateUser.self) { nested in
            do {
                _ = try await nested.keep(state)
                return "passed on"
            } catch {
                return "\(error)"
            }
        }
    }

    func makeState() async throws -> SharedState<Int> {
        SharedState(7)
    }

    func probe(_ probe: SideChannelProbe) async throws {}
}

/// Catches the side channel a call's arguments are encoded with, to count the objects it
/// serves; it writes nothing of its own.
final class SideChannelProbe: Codable, @unchecked Sendable {  // written once, by the encoding call, before it is read
    private(set) var channel: SideChannel?

    init() {}

    init(from decoder: any Decoder) throws {
        _ = try decoder.singleValueContainer().decodeNil()
    }

    func encode(to encoder: any Encoder) throws {
        channel = encoder.userInfo[.bridgeObjectExporter] as? SideChannel
        var container = encoder.singleValueContainer()
        try container.encodeNil()
    }
}
