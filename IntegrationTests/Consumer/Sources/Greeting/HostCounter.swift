import Bridge
import Distributed
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A distributed actor the probe starts in a host: it keeps a total, says which process and
/// user it runs as, and calls back an actor of the parent.
public distributed actor HostCounter {
    public typealias ActorSystem = BridgeActorSystem
    private var total = 0

    public init(actorSystem: BridgeActorSystem) {
        self.actorSystem = actorSystem
    }

    /// Adds `amount` and returns the total.
    public distributed func add(_ amount: Int) -> Int {
        total += amount
        return total
    }

    /// The host's process id and real user id.
    public distributed func facts() -> [UInt32] {
        [UInt32(getpid()), getuid()]
    }

    /// Tells `listener` the numbers 1 through `count`, each in a call of its own.
    public distributed func count(to count: Int, tellingEachTo listener: Listener) async throws -> Int {
        for number in 1...count { try await listener.heard(number) }
        return count
    }
}

/// An actor of the parent that a host calls back.
public distributed actor Listener {
    public typealias ActorSystem = BridgeActorSystem
    public private(set) var numbers: [Int] = []

    public init(actorSystem: BridgeActorSystem) {
        self.actorSystem = actorSystem
    }

    public distributed func heard(_ number: Int) {
        numbers.append(number)
    }
}
