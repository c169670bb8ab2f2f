import Bridge
import Distributed
import Foundation
import Testing

/// `@Resolvable` protocols: the parent starts an actor by its type name and calls it through the
/// protocol's `$Greeting` stub.
@Suite struct DistributedResolvableTests {
    @Test func aStubCallsAnActorTheParentNamesOnlyByName() async throws {
        let system = BridgeActorSystem()
        let greeting = try await system.start(named: "BridgeTests.LocalGreeting", as: $Greeting<BridgeActorSystem>.self)
        let pid = try #require(system.processID(of: greeting))
        #expect(try await greeting.greet("stub") == "hello, stub, from \(pid)")
        await #expect(throws: CountingError.noSuchDirectory("greeting")) { try await greeting.fail() }
        await system.shutdown()
    }

    @Test func aNameTheHostDoesNotHaveFailsTheStart() async throws {
        let system = BridgeActorSystem()
        let error = await #expect(throws: BridgeError.self) {
            try await system.start(named: "BridgeTests.NoSuchGreeting", as: $Greeting<BridgeActorSystem>.self)
        }
        #expect(error?.code == .startFailed)
        #expect(error?.description.contains("BridgeTests.NoSuchGreeting") == true)
        await system.shutdown()
    }
}
