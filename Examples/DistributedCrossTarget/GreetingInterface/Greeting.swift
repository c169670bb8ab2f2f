import Distributed

/// What the client knows of the actor: a `@Resolvable` protocol, whose `$Greeting` stub the
/// client calls. The actor itself lives in `distributed-cross-target-host` only.
@Resolvable
public protocol Greeting: DistributedActor where ActorSystem: DistributedActorSystem<any Codable> {
    distributed func greet(_ name: String) throws -> String
    distributed func processID() -> Int32
}

/// Shared by both sides, so that it arrives as itself.
public enum GreetingError: Error, Codable, Equatable {
    case nobodyToGreet
}
