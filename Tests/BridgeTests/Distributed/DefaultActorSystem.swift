import Bridge
import Distributed
import Foundation

// The one line that picks the system for every distributed actor of this module that names
// none (the move to a cluster changes only this line; see DistributedActors.md).
typealias DefaultDistributedActorSystem = BridgeActorSystem

/// Names no system: it gets the module's default.
distributed actor DefaultSystemGreeter {
    distributed func greet(_ name: String) -> String { "hello, \(name), from \(getpid())" }
}
