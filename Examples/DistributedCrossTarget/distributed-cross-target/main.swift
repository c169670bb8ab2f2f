// A client that calls a distributed actor it does not link: it knows the `@Resolvable`
// protocol `Greeting` (from `GreetingInterface`) and the actor's type name; the actor lives in
// the host executable `distributed-cross-target-host`, found next to this binary.
//
//     swift build --product distributed-cross-target-host && swift run distributed-cross-target
import Bridge
import Distributed
import Foundation
import GreetingInterface

print("client (pid \(getpid())) links LocalGreeting: \(_typeByName("29distributed_cross_target_host13LocalGreetingC") != nil)")
let system = BridgeActorSystem()
do {
    let greeting = try await system.start(
        named: "distributed_cross_target_host.LocalGreeting", as: $Greeting<BridgeActorSystem>.self,
        options: .init(executable: "distributed-cross-target-host"))
    print("host \(try await greeting.processID()) says: \(try await greeting.greet("client"))")
    do {
        _ = try await greeting.greet("")
    } catch GreetingError.nobodyToGreet {
        print("host threw GreetingError.nobodyToGreet, received as itself")
    }
    await system.shutdown()
} catch {
    print(error)
    await system.shutdown()
    exit(1)
}
