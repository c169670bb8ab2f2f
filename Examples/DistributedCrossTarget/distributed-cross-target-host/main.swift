// The host executable of `distributed-cross-target`: started through `BridgeOptions.executable`,
// it creates `LocalGreeting` and serves it before this `main` runs. Run by hand, it explains
// itself and exits.
import Bridge
import BridgeHost
import Distributed
import Foundation
import GreetingInterface

/// The actor behind the client's `$Greeting` stub; `BridgeGen` makes it `BridgeActorHostable`.
distributed actor LocalGreeting: Greeting {
    typealias ActorSystem = BridgeActorSystem

    distributed func greet(_ name: String) throws -> String {
        guard !name.isEmpty else { throw GreetingError.nobodyToGreet }
        return "hello, \(name), from the host-only target"
    }

    distributed func processID() -> Int32 { getpid() }
}

BridgeHostMain.run()
