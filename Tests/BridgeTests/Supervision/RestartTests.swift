@testable import Bridge
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A bridge with a restart policy replaces a host that ended in any way but `stop()`, and its
/// client, the same value, goes on calling the fresh host.
@Suite(.serialized, .timeLimit(.minutes(2))) struct RestartTests {
    /// Collects the events of one bridge, and hands out the restarts as they come.
    final class Events: Sendable {
        let all = Locked<[BridgeEvent]>([])
        private let restarts = Locked<(seen: [BridgeEvent], waiters: [(Int, CheckedContinuation<BridgeEvent, Never>)])>(([], []))

        var handler: @Sendable (BridgeEvent) -> Void {
            { [self] event in
                all.withLock { $0.append(event) }
                guard case .restarted = event else { return }
                let ready = restarts.withLock { state -> [CheckedContinuation<BridgeEvent, Never>] in
                    state.seen.append(event)
                    let count = state.seen.count
                    let ready = state.waiters.filter { $0.0 <= count }.map(\.1)
                    state.waiters.removeAll { $0.0 <= count }
                    return ready
                }
                for waiter in ready { waiter.resume(returning: event) }
            }
        }

        /// Waits for the `number`th restart (1 for the first).
        func restart(_ number: Int) async -> BridgeEvent {
            await withCheckedContinuation { continuation in
                let seen = restarts.withLock { state -> BridgeEvent? in
                    if state.seen.count >= number { return state.seen[number - 1] }
                    state.waiters.append((number, continuation))
                    return nil
                }
                if let seen { continuation.resume(returning: seen) }
            }
        }
    }

    static func options(_ events: Events, restarts: Int = 3, directory: TemporaryDirectory) -> BridgeOptions {
        BridgeOptions(
            workingDirectory: directory.path,
            // A crashed host ends at once, without the backtracer's half second (nobody reads it).
            environment: ProcessInfo.processInfo.environment.merging(["SWIFT_BACKTRACE": "enable=no"]) { $1 },
            startTimeout: .seconds(30), output: .discard, events: events.handler,
            limits: .init(coreDumps: false), restart: .onCrash(maximumRestarts: restarts, within: .seconds(600)))
    }

    /// A crash ends the call in flight with `hostExited`, and the next call reaches a fresh host.
    private func expectRestart(
        after crash: (RestartableClient) async throws -> Void, termination expected: (HostTermination) -> Bool
    ) async throws {
        let events = Events()
        let bridge = try await Bridge<RestartingHost>.start(Self.options(events, directory: try TemporaryDirectory()))
        let first = bridge.processID
        try await bridge.client.store(7)
        do {
            try await crash(bridge.client)
            Issue.record("the crash returned")
        } catch let error as BridgeError {
            #expect(error.code == .hostExited, "\(error)")
            // The bridge goes on: its caller is told to call again, not to start a new one.
            #expect(error.description.contains("The bridge starts another host if its restart policy allows: call again"), "\(error)")
            #expect(!error.description.contains(BridgeError.startANewBridge), "\(error)")
        }
        let second = try await bridge.client.processID()
        #expect(second != first)
        #expect(bridge.processID == second)
        #expect(bridge.termination == nil)
        #expect(try await bridge.client.stored() == 0, "a fresh host starts from init()")
        guard case .restarted(let previous, let pid, let termination) = await events.restart(1) else { return }
        #expect(previous == first && pid == second)
        #expect(expected(termination), "\(termination)")
        #expect(processIsGone(first))
        await bridge.stop()
        #expect(processIsGone(second))
        #expect(bridge.termination != nil)
    }

    @Test func restartsAfterTheHostExits() async throws {
        try await expectRestart(after: { try await $0.exit(status: 3) }, termination: { $0 == .exited(3) })
    }

    @Test func restartsAfterSIGSEGV() async throws {
        try await expectRestart(after: { try await $0.writeThroughABadPointer() }, termination: { $0 == .signaled(SIGSEGV) })
    }

    @Test func restartsAfterFatalError() async throws {
        // A trap: SIGILL on x86, SIGTRAP on arm64.
        try await expectRestart(after: { try await $0.failFatally() }, termination: { $0 == .signaled(SIGILL) || $0 == .signaled(SIGTRAP) })
    }

    @Test func restartsAfterSIGKILLFromOutside() async throws {
        let events = Events()
        let bridge = try await Bridge<RestartingHost>.start(Self.options(events, directory: try TemporaryDirectory()))
        let first = bridge.processID
        kill(first, SIGKILL)
        guard case .restarted(let previous, let pid, let termination) = await events.restart(1) else { return }
        #expect(previous == first && termination == .signaled(SIGKILL))
        #expect(try await bridge.client.processID() == pid)
        #expect(try await onOwnThread { try? bridge.client.blockingProcessID() } == pid)
        await bridge.stop()
        #expect(processIsGone(first) && processIsGone(pid))
    }

    @Test func givesUpAfterTheLimitAndEndsAsWithoutAPolicy() async throws {
        let events = Events()
        let bridge = try await Bridge<RestartingHost>.start(Self.options(events, restarts: 2, directory: try TemporaryDirectory()))
        var pids = [bridge.processID]
        for round in 1...3 {
            await #expect(throws: BridgeError.self) { try await bridge.client.exit(status: Int32(round)) }
            guard round < 3 else { break }
            // The next call waits for the replacement, or finds it serving.
            pids.append(try await bridge.client.processID())
        }
        #expect(Set(pids).count == 3)
        // The third crash is one more than the policy allows within its window.
        let error = await #expect(throws: BridgeError.self) { try await bridge.client.processID() }
        #expect(error?.code == .hostExited, "\(String(describing: error))")
        #expect(bridge.termination == .exited(3))
        #expect(events.all.withLock { $0.filter { if case .restarted = $0 { true } else { false } }.count } == 2)
        #expect(pids.allSatisfy(processIsGone))
        await bridge.stop()
    }

    @Test func callsMadeDuringARestartWaitAndTheHookRunsFirst() async throws {
        let events = Events()
        let hookEntered = OneShotValue<Int32>()
        let gate = OneShotValue<Void>()
        let bridge = try await Bridge<RestartingHost>.start(Self.options(events, directory: try TemporaryDirectory())) { fresh in
            // The hook's client reaches the fresh host before anyone else's.
            hookEntered.set(try await fresh.processID())
            await gate.value()
            try await fresh.store(42)
        }
        let first = bridge.processID
        kill(first, SIGKILL)
        let fresh = await hookEntered.value()
        #expect(bridge.termination == nil, "no termination while a restart is pending")
        let relay = try #require(bridge._relay)
        #expect(relay.isReplacing)
        let client = bridge.client
        async let asyncResults = withThrowingTaskGroup(of: (Int, Int32).self) { group in
            for _ in 0..<6 { group.addTask { (try await client.stored(), try await client.processID()) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        async let blockingResult = onOwnThread { try? client.blockingProcessID() }
        #expect(await eventually(within: .seconds(30)) { relay.waitingCallers == 7 })
        gate.set(())
        let results = try await asyncResults
        #expect(results.count == 6)
        #expect(results.allSatisfy { $0 == (42, fresh) }, "\(results)")
        #expect(await blockingResult == fresh)
        #expect(try await client.stored() == 42)
        await bridge.stop()
        #expect(processIsGone(first) && processIsGone(fresh))
    }

    @Test func aBlockingCallWaitingForARestartEndsWhenItsTaskIsCancelled() async throws {
        let events = Events()
        let gate = OneShotValue<Void>()
        let hookEntered = OneShotValue<Int32>()
        let bridge = try await Bridge<RestartingHost>.start(Self.options(events, directory: try TemporaryDirectory())) { fresh in
            hookEntered.set(try await fresh.processID())
            await gate.value()
        }
        kill(bridge.processID, SIGKILL)
        let fresh = await hookEntered.value()
        let relay = try #require(bridge._relay)
        let client = bridge.client
        let waiting = taskOnOwnThreads { try client.blockingProcessID() }
        #expect(await eventually(within: .seconds(30)) { relay.waitingCallers == 1 })
        waiting.cancel()
        // Were the cancel not seen, the call would wait for the gate, which opens only after.
        await #expect(throws: CancellationError.self) { try await waiting.value }
        #expect(relay.waitingCallers == 0)
        gate.set(())
        #expect(try await client.processID() == fresh)
        await bridge.stop()
    }

    /// A call waits for a replacement at most its `callTimeout`, or `startTimeout` if that is
    /// shorter; the replacement here never serves (its `restarted` hook sleeps).
    private func expectWaitBounded(by limit: Duration, _ configure: (inout BridgeOptions) -> Void, option: String) async throws {
        let events = Events()
        var options = Self.options(events, directory: try TemporaryDirectory())
        configure(&options)
        let hookEntered = OneShotValue<Int32>()
        let bridge = try await Bridge<RestartingHost>.start(options) { fresh in
            hookEntered.set(try await fresh.processID())
            try await Task.sleep(for: .seconds(3600))  // cancelled by stop()
        }
        kill(bridge.processID, SIGKILL)
        let fresh = await hookEntered.value()
        let began = ContinuousClock.now
        let error = await #expect(throws: BridgeError.self) { try await bridge.client.processID() }
        #expect(error?.code == .timedOut, "\(String(describing: error))")
        #expect(error?.description.contains(option) == true, "\(String(describing: error))")
        #expect(ContinuousClock.now - began >= limit)
        await bridge.stop()
        #expect(processIsGone(fresh), "stop() calls off the restart under way and reaps its host")
    }

    @Test func aWaitingCallIsBoundedByItsCallTimeout() async throws {
        try await expectWaitBounded(by: .milliseconds(300), { $0.callTimeout = .milliseconds(300) }, option: "callTimeout")
    }

    @Test func aWaitingCallIsBoundedByStartTimeout() async throws {
        // Long enough for the first host to start on a loaded machine.
        try await expectWaitBounded(by: .seconds(5), { $0.startTimeout = .seconds(5) }, option: "startTimeout")
    }

    @Test func stopDuringARestartFailsWaitingCallsAndLeavesNoProcess() async throws {
        let events = Events()
        let hookEntered = OneShotValue<Int32>()
        let bridge = try await Bridge<RestartingHost>.start(Self.options(events, directory: try TemporaryDirectory())) { fresh in
            hookEntered.set(try await fresh.processID())
            try await Task.sleep(for: .seconds(3600))
        }
        let first = bridge.processID
        kill(first, SIGKILL)
        let fresh = await hookEntered.value()
        let client = bridge.client
        let waiting = Task { try await client.processID() }
        let relay = try #require(bridge._relay)
        #expect(await eventually(within: .seconds(30)) { relay.waitingCallers == 1 })
        await bridge.stop()
        let error = await #expect(throws: BridgeError.self) { try await waiting.value }
        #expect(error?.code == .stopped, "\(String(describing: error))")
        #expect(processIsGone(first) && processIsGone(fresh))
        await #expect(throws: BridgeError.self) { try await client.processID() }
    }

    @Test func aCancelledWaitingCallEndsAtOnce() async throws {
        let events = Events()
        let hookEntered = OneShotValue<Int32>()
        let bridge = try await Bridge<RestartingHost>.start(Self.options(events, directory: try TemporaryDirectory())) { fresh in
            hookEntered.set(try await fresh.processID())
            try await Task.sleep(for: .seconds(3600))
        }
        kill(bridge.processID, SIGKILL)
        _ = await hookEntered.value()
        let client = bridge.client
        let waiting = Task { try await client.processID() }
        let relay = try #require(bridge._relay)
        #expect(await eventually(within: .seconds(30)) { relay.waitingCallers == 1 })
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        #expect(relay.waitingCallers == 0)
        await bridge.stop()
    }

    @Test func aRestartedHookThatThrowsCostsTheFreshHostAndARestart() async throws {
        struct NotNow: Error {}
        let events = Events()
        let refused = Locked<[Int32]>([])
        let bridge = try await Bridge<RestartingHost>.start(Self.options(events, restarts: 2, directory: try TemporaryDirectory())) { fresh in
            let pid = try await fresh.processID()
            // The first fresh host is refused; the second is taken.
            if refused.withLock({ refused in
                defer { refused.append(pid) }
                return refused.isEmpty
            }) {
                throw NotNow()
            }
        }
        let first = bridge.processID
        kill(first, SIGKILL)
        guard case .restarted(let previous, let fresh, _) = await events.restart(1) else { return }
        let refusedHost = try #require(refused.withLock { $0.first })
        #expect(previous == first && fresh != refusedHost)
        #expect(refused.withLock { $0 } == [refusedHost, fresh])
        #expect(processIsGone(refusedHost), "the refused host was stopped")
        #expect(try await bridge.client.processID() == fresh)
        // Both replacements counted: one more crash is over the limit of 2.
        kill(fresh, SIGKILL)
        #expect(await eventually(within: .seconds(30)) { bridge.termination != nil })
        await #expect(throws: BridgeError.self) { try await bridge.client.processID() }
        await bridge.stop()
    }

    @Test func aRestartedHookThatNeverReturnsCostsTheFreshHostAfterStartTimeout() async throws {
        let events = Events()
        var options = Self.options(events, restarts: 1, directory: try TemporaryDirectory())
        options.startTimeout = .seconds(2)
        let hooked = Locked<[Int32]>([])
        let bridge = try await Bridge<RestartingHost>.start(options) { fresh in
            hooked.withLock { $0.append(0) }
            let pid = try await fresh.processID()
            hooked.withLock { $0[$0.count - 1] = pid }
            try await Task.sleep(for: .seconds(600))  // the hook that hangs, not a synchronization
        }
        await #expect(throws: BridgeError.self) { try await bridge.client.exit(status: 3) }
        // The fresh host's hook runs out of startTimeout: that host is stopped, and it counts as
        // a crash, one more than the policy allows, so the bridge gives up (with the hook
        // unbounded, it waited for ever, and calls timed out one after another).
        #expect(await eventually(within: .seconds(30)) { bridge.termination != nil })
        let error = await #expect(throws: BridgeError.self) { try await bridge.client.processID() }
        #expect(error?.code == .hostExited, "\(String(describing: error))")
        #expect(error?.description.contains("Its replacement failed: Bridge host could not be started: the restarted hook did not return within 2.0 seconds (BridgeOptions.startTimeout)") == true, "\(String(describing: error))")
        let fresh = try #require(hooked.withLock { $0.first })
        #expect(fresh != 0 && processIsGone(fresh), "the fresh host was stopped")
        await bridge.stop()
    }

    @Test func aRestartedHookThatAlwaysThrowsSaysSoWhenTheBridgeGivesUp() async throws {
        struct Refused: Error, CustomStringConvertible {
            var description: String { "this host is not wanted" }
        }
        let events = Events()
        let bridge = try await Bridge<RestartingHost>.start(Self.options(events, restarts: 2, directory: try TemporaryDirectory())) { _ in
            throw Refused()
        }
        let first = bridge.processID
        await #expect(throws: BridgeError.self) { try await bridge.client.exit(status: 3) }
        let error = await #expect(throws: BridgeError.self) { try await bridge.client.processID() }
        #expect(error?.code == .hostExited, "\(String(describing: error))")
        #expect(error?.processID == first)
        // The crash that started it, then why no replacement took over.
        #expect(error?.description.contains("exited with status 3") == true, "\(String(describing: error))")
        #expect(error?.description.contains("Its replacement failed: Bridge host could not be started: the restarted hook threw for the fresh host") == true, "\(String(describing: error))")
        #expect(error?.description.contains("this host is not wanted") == true, "\(String(describing: error))")
        await bridge.stop()
    }

    @Test func aStreamStaysWithItsHostAndAFreshHostServesTheNext() async throws {
        let events = Events()
        let bridge = try await Bridge<RestartingHost>.start(Self.options(events, directory: try TemporaryDirectory()))
        var values: [Int] = []
        for try await value in try await bridge.client.countdown(from: 3) { values.append(value) }
        #expect(values == [3, 2, 1, 0])
        // A stream open when its host dies ends with hostExited, advising as a call's error does.
        var open = try await bridge.client.countdown(from: 1_000_000).makeAsyncIterator()
        #expect(try await open.next() == 1_000_000)
        kill(bridge.processID, SIGKILL)
        do {
            // At most the elements the host sent ahead (its credit) come first.
            while try await open.next() != nil {}
            Issue.record("the stream ended without an error")
        } catch let error as BridgeError {
            #expect(error.code == .hostExited, "\(error)")
            #expect(error.description.contains("The bridge starts another host if its restart policy allows: call again"), "\(error)")
            #expect(!error.description.contains(BridgeError.startANewBridge), "\(error)")
        }
        _ = await events.restart(1)
        values = []
        for try await value in try await bridge.client.countdown(from: 2) { values.append(value) }
        #expect(values == [2, 1, 0])
        await bridge.stop()
    }

    @Test func optionsThatCannotBeHonouredFailTheStart() async throws {
        for options in [
            BridgeOptions(restart: .onCrash(maximumRestarts: -1, within: .seconds(1))),
            BridgeOptions(restart: .onCrash(maximumRestarts: 1, within: .zero)),
            BridgeOptions(hangTimeout: .zero),
            BridgeOptions(maximumCallsPerHost: 0),
        ] {
            let error = await #expect(throws: BridgeError.self) { try await Bridge<RestartingHost>.start(options) }
            #expect(error?.code == .startFailed)
            #expect(error?.description.contains("BridgeOptions.") == true, "\(String(describing: error))")
        }
    }
}

/// `BridgeOptions.spareHosts`: a replacement takes a host started ahead.
@Suite(.serialized, .timeLimit(.minutes(2))) struct SpareHostTests {
    typealias Events = RestartTests.Events

    @Test func aRestartTakesTheSpareAndAnotherIsStarted() async throws {
        let events = Events()
        var options = RestartTests.options(events, directory: try TemporaryDirectory())
        options.spareHosts = 1
        let hooked = Locked<[Int32]>([])
        let bridge = try await Bridge<RestartingHost>.start(options) { fresh in
            hooked.withLock { $0.append(0) }
            try await fresh.store(9)
        }
        let relay = try #require(bridge._relay)
        // A spare starts as slowly as any host: a minute, for a loaded machine.
        #expect(await eventually(within: .seconds(60)) { relay.readySpares == 1 })
        let spare = try #require(relay.spareProcessIDs.first)
        let first = bridge.processID
        #expect(spare != first)
        kill(first, SIGKILL)
        guard case .restarted(let previous, let fresh, _) = await events.restart(1) else { return }
        #expect(previous == first && fresh == spare, "the spare took the slot")
        #expect(try await bridge.client.stored() == 9, "the restarted hook ran on the spare")
        #expect(hooked.withLock { $0.count } == 1)
        #expect(await eventually(within: .seconds(60)) { relay.readySpares == 1 && relay.spareProcessIDs != [spare] })
        let next = try #require(relay.spareProcessIDs.first)
        await bridge.stop()
        #expect([first, spare, next].allSatisfy(processIsGone), "stop() stops the spares too")
    }

    @Test func aSpareThatDiedIsNotTaken() async throws {
        let events = Events()
        var options = RestartTests.options(events, directory: try TemporaryDirectory())
        options.spareHosts = 1
        let bridge = try await Bridge<RestartingHost>.start(options)
        let relay = try #require(bridge._relay)
        #expect(await eventually(within: .seconds(60)) { relay.readySpares == 1 })
        let spare = try #require(relay.spareProcessIDs.first)
        kill(spare, SIGKILL)
        // Ended as the relay sees it (its exit descriptor), which comes a moment after /proc
        // shows the killed process's main thread a zombie.
        #expect(await eventually(within: .seconds(30)) { relay.supply.withLock { $0.spares.first?.host.hasEnded } == true })
        let first = bridge.processID
        kill(first, SIGKILL)
        guard case .restarted(_, let fresh, _) = await events.restart(1) else { return }
        #expect(fresh != spare)
        #expect(try await bridge.client.processID() == fresh)
        await bridge.stop()
        let left = relay.spareProcessIDs
        #expect(left.isEmpty)
        #expect([first, spare, fresh].allSatisfy(processIsGone))
    }

    @Test func sparesWithNothingToReplaceAreRefused() async throws {
        let error = await #expect(throws: BridgeError.self) { try await Bridge<RestartingHost>.start(BridgeOptions(spareHosts: 1)) }
        #expect(error?.code == .startFailed)
        #expect(error?.description.contains("spareHosts") == true)
    }
}
