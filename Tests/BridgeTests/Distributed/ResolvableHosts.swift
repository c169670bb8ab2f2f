import Bridge
import Distributed
import Foundation

/// A protocol whose `$Greeting` stub lets a parent call an actor it names only by its type name.
@Resolvable
protocol Greeting: DistributedActor where ActorSystem: DistributedActorSystem<any Codable> {
    distributed func greet(_ name: String) -> String
    distributed func fail() throws
}

/// The actor a host creates for the stub; the parent never names this type in code.
distributed actor LocalGreeting: Greeting {
    typealias ActorSystem = BridgeActorSystem

    distributed func greet(_ name: String) -> String { "hello, \(name), from \(getpid())" }

    distributed func fail() throws { throw CountingError.noSuchDirectory("greeting") }
}
