import Bridge
import Distributed
import Foundation
import Testing

/// Errors, dead hosts, cancellation and time limits of distributed calls.
@Suite struct DistributedFailureTests {
    @Test func aCodableErrorArrivesAsItself() async throws {
        let system = BridgeActorSystem()
        let counter = try await system.start(FileCounter.self)
        await #expect(throws: CountingError.noSuchDirectory("/no/such/place")) { try await counter.count(in: "/no/such/place") }
        // The host goes on serving.
        #expect(try await counter.count(in: "/") >= 0)
        await system.shutdown()
    }

    @Test func anErrorThatIsNotCodableArrivesAsABridgeErrorWithItsTypeAndDescription() async throws {
        let system = BridgeActorSystem()
        let counter = try await system.start(FileCounter.self)
        let error = await #expect(throws: BridgeError.self) { try await counter.failOpaquely() }
        #expect(error?.code == .remoteError)
        #expect(error?.remoteTypeName?.hasSuffix("OpaqueCountingFailure") == true)
        #expect(error?.description.contains("the disk said no") == true)
        #expect(error?.method?.hasSuffix("FileCounter.failOpaquely()") == true)
        await system.shutdown()
    }

    @Test func aHostThatDiesFailsPendingAndLaterCallsWithHostExited() async throws {
        let system = BridgeActorSystem()
        let counter = try await system.start(FileCounter.self)
        let pid = try #require(system.processID(of: counter))
        let pending = await RunningCall.start(on: counter, in: system)
        #expect(kill(pid, SIGKILL) == 0)

        let error = await #expect(throws: BridgeError.self) { try await pending.task.value }
        #expect(error?.code == .hostExited)
        #expect(error?.termination == .signaled(SIGKILL))
        let later = await #expect(throws: BridgeError.self) { try await counter.facts() }
        #expect(later?.code == .hostExited)
        // Each names the distributed function called, not the bridge's method that carried it.
        #expect(error?.method == "BridgeTests.FileCounter.waitUntilCancelled(started:cancelled:)")
        #expect(error?.description.contains("was killed by SIGKILL while 'BridgeTests.FileCounter.waitUntilCancelled(started:cancelled:)' was waiting for it") == true, "\(String(describing: error))")
        #expect(later?.method == "BridgeTests.FileCounter.facts()")
        #expect(later?.description.contains("was killed by SIGKILL; 'BridgeTests.FileCounter.facts()' was not sent.") == true, "\(String(describing: later))")
        #expect(later?.description.contains("Start its actor again (BridgeActorSystem.start) to continue") == true, "\(String(describing: later))")
        // The host was reaped: its pid may be another process's by now.
        #expect(system.processID(of: counter) == nil)
        await system.shutdown()
    }

    @Test func cancellingTheCallingTaskCancelsTheRemoteCall() async throws {
        let system = BridgeActorSystem()
        let counter = try await system.start(FileCounter.self)
        let call = await RunningCall.start(on: counter, in: system)
        call.task.cancel()
        await #expect(throws: CancellationError.self) { try await call.task.value }
        // The host's task saw the cancellation: it opened the second latch.
        await call.waitUntilTheHostSawTheCancel()
        #expect(try await counter.count(in: "/") >= 0)
        await system.shutdown()
    }

    @Test func aCallWaitsAtMostTheCallTimeout() async throws {
        let system = BridgeActorSystem()
        let counter = try await system.start(FileCounter.self, options: .init(callTimeout: .milliseconds(300)))
        let started = Latch(actorSystem: system)
        let cancelled = Latch(actorSystem: system)
        let error = await #expect(throws: BridgeError.self) {
            try await counter.waitUntilCancelled(started: started, cancelled: cancelled)
        }
        #expect(error?.code == .timedOut)
        #expect(error?.description.contains("'BridgeTests.FileCounter.waitUntilCancelled(started:cancelled:)' got no reply within") == true, "\(String(describing: error))")
        await system.shutdown()
    }

    @Test func stopWaitsForNothingAndFailsAPendingCall() async throws {
        let system = BridgeActorSystem()
        let counter = try await system.start(FileCounter.self, options: .init(stopTimeout: .milliseconds(200)))
        let pid = try #require(system.processID(of: counter))
        let pending = await RunningCall.start(on: counter, in: system)
        await system.stop(counter)
        #expect(processIsGone(pid))
        await #expect(throws: BridgeError.self) { try await pending.task.value }
    }
}
