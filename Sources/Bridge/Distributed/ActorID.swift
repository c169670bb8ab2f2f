import Distributed

extension BridgeActorSystem {
    /// Names one distributed actor of a ``BridgeActorSystem``: the process it lives in and its
    /// number there.
    ///
    /// An id means something only to the system that made it and to the hosts that system
    /// started: the parent is host 0, and each host it starts gets the next number.
    public struct ActorID: Hashable, Sendable, Codable, CustomStringConvertible {
        /// The process the actor lives in: 0 for the parent, the host's number for a host.
        public let host: UInt32
        /// The actor's number within that process, from 1.
        public let actor: UInt64

        /// Makes an id from its parts; ids normally come from the actor system.
        public init(host: UInt32, actor: UInt64) {
            self.host = host
            self.actor = actor
        }

        /// `host 2, actor 1`.
        public var description: String { "host \(host), actor \(actor)" }
    }
}
