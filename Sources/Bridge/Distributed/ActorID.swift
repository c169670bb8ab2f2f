import Distributed

extension BridgeActorSystem {
    /// Names one distributed actor of a ``BridgeActorSystem``: the system, the process the actor
    /// lives in, and its number there.
    ///
    /// An id means something only to the system that made it and to the hosts that system
    /// started: the parent is host 0, and each host it starts gets the next number. So that
    /// two systems of one parent never take each other's ids for their own (both have a host 1
    /// with an actor 1), each id carries its system's number, and a system refuses an id of
    /// another.
    public struct ActorID: Hashable, Sendable, Codable, CustomStringConvertible {
        /// The system: a number of its own among the parent process's `BridgeActorSystem`s,
        /// from 1, which its hosts share.
        public let system: UInt32
        /// The process the actor lives in: 0 for the parent, the host's number for a host.
        public let host: UInt32
        /// The actor's number within that process, from 1.
        public let actor: UInt64

        /// Makes an id from its parts; ids normally come from the actor system.
        public init(system: UInt32, host: UInt32, actor: UInt64) {
            self.system = system
            self.host = host
            self.actor = actor
        }

        /// `host 2, actor 1 (system 1)`.
        public var description: String { "host \(host), actor \(actor) (system \(system))" }
    }
}
