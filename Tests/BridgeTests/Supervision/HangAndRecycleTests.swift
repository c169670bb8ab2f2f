@testable import Bridge
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `hangTimeout` kills a host that cannot answer its side channel, and only such a host;
/// `maximumCallsPerHost` replaces a host gracefully after its calls.
@Suite(.serialized, .timeLimit(.minutes(2))) struct HangAndRecycleTests {
    typealias Events = RestartTests.Events

    @Test func aStoppedHostIsKilledAsHungAndReplaced() async throws {
        let events = Events()
        var options = RestartTests.options(events, directory: try TemporaryDirectory())
        // Long enough that a loaded machine answers every ping of a healthy host in time.
        options.hangTimeout = .seconds(1)
        let bridge = try await Bridge<RestartingHost>.start(options)
        let first = bridge.processID
        // A stopped process runs nothing, its side channel's thread included.
        kill(first, SIGSTOP)
        guard case .restarted(let previous, let pid, let termination) = await events.restart(1) else { return }
        #expect(previous == first)
        #expect(termination == .signaled(SIGKILL), "the hang watch kills it: \(termination)")
        #expect(try await bridge.client.processID() == pid)
        await bridge.stop()
        #expect(processIsGone(first) && processIsGone(pid))
    }

    @Test func aHungHostWithoutARestartPolicyEndsTheBridge() async throws {
        let bridge = try await Bridge<RestartingHost>.start(
            BridgeOptions(output: .discard, limits: .init(coreDumps: false), hangTimeout: .milliseconds(500)))
        let client = bridge.client
        let blocked = Task { try await client.block() }
        kill(bridge.processID, SIGSTOP)
        let error = await #expect(throws: BridgeError.self) { try await blocked.value }
        #expect(error?.code == .hostExited, "\(String(describing: error))")
        #expect(error?.termination == .signaled(SIGKILL))
        // It says who killed the host, and why: nothing else would.
        #expect(error?.description.contains("was killed by SIGKILL while 'block() async throws' was waiting for it: the bridge killed it, as it answered no ping within 0.5 seconds (BridgeOptions.hangTimeout)") == true, "\(String(describing: error))")
        let later = await #expect(throws: BridgeError.self) { try await client.processID() }
        #expect(later?.description.contains("the bridge killed it") == true, "\(String(describing: later))")
        await bridge.stop()
        #expect(bridge.termination == .signaled(SIGKILL))
    }

    @Test func aHostBusyInALongCallIsNotHung() async throws {
        let events = Events()
        var options = RestartTests.options(events, directory: try TemporaryDirectory())
        // Long enough that a loaded machine answers every ping in time.
        options.hangTimeout = .seconds(1)
        options.stopTimeout = .milliseconds(500)  // the blocked call keeps the host from a graceful exit
        let bridge = try await Bridge<RestartingHost>.start(options)
        let pid = bridge.processID
        let client = bridge.client
        let busy = Task { try await client.block() }
        let watch = try #require(bridge._relay?.servingHosts.first?.hangWatch)
        // Each round waits half the timeout after an answer: five rounds span more than two
        // timeouts, all of them while the call runs.
        #expect(await eventually(within: .seconds(60)) { watch.answeredPings >= 5 })
        #expect(!watch.killedTheHost)
        #expect(bridge.processID == pid)
        busy.cancel()
        await bridge.stop()
        #expect(events.all.withLock { $0.allSatisfy { if case .restarted = $0 { false } else { true } } })
        #expect(processIsGone(pid))
    }

    @Test func aHostIsReplacedGracefullyAfterItsCalls() async throws {
        let events = Events()
        let directory = try TemporaryDirectory()
        var options = RestartTests.options(events, directory: directory)
        options.restart = .never  // a replacement after N calls is no restart
        options.environment = (options.environment ?? [:]).merging(["RESTART_STOP_DIRECTORY": directory.path]) { $1 }
        options.maximumCallsPerHost = 3
        let hooked = Locked<[Int32]>([])
        let bridge = try await Bridge<RestartingHost>.start(options) { fresh in
            hooked.withLock { $0.append(0) }
            try await fresh.store(5)
        }
        var pids: [Int32] = []
        for _ in 0..<7 { pids.append(try await bridge.client.processID()) }
        #expect(pids[0] == pids[1] && pids[1] == pids[2])
        #expect(pids[3] == pids[4] && pids[4] == pids[5])
        #expect(Set([pids[0], pids[3], pids[6]]).count == 3, "\(pids)")
        #expect(hooked.withLock { $0.count } == 2, "the hook runs for each fresh host")
        // Each retired host ran its stop hook.
        for retired in [pids[0], pids[3]] {
            #expect(await eventually(within: .seconds(30)) { processIsGone(retired) })
            #expect(FileManager.default.fileExists(atPath: "\(directory.path)/stopped-\(retired)"))
        }
        #expect(events.all.withLock { $0.allSatisfy { if case .restarted = $0 { false } else { true } } })
        await bridge.stop()
        #expect(processIsGone(pids[6]))
    }

    @Test func aRetiringHostFinishesItsCallsWhileItsReplacementServes() async throws {
        let events = Events()
        let directory = try TemporaryDirectory()
        var options = RestartTests.options(events, directory: directory)
        options.environment = (options.environment ?? [:]).merging(["RESTART_STOP_DIRECTORY": directory.path]) { $1 }
        options.maximumCallsPerHost = 2
        let bridge = try await Bridge<RestartingHost>.start(options)
        let first = bridge.processID
        let client = bridge.client
        let gate = "\(directory.path)/gate"
        #expect(mkfifo(gate, 0o600) == 0)
        // Two calls in flight on the first host: its last two. (The host runs one call at a
        // time: the second waits behind the first.)
        async let held = client.processID(afterFIFO: gate)
        async let behind = client.processID()
        // Both routed: the host served its last call, and its replacement is on the way.
        let relay = try #require(bridge._relay)
        #expect(await eventually(within: .seconds(30)) { relay.isReplacing || relay.servingHosts.first?.host.id != first })
        // The next call goes to the replacement, and returns while the old host still runs.
        let third = try await client.processID()
        #expect(third != first)
        #expect(!processIsGone(first))
        #expect(!FileManager.default.fileExists(atPath: "\(directory.path)/stopped-\(first)"))
        #expect(await eventually(within: .seconds(30)) { releaseFIFO(gate) })
        #expect(try await held == first)
        #expect(try await behind == first)
        #expect(await eventually(within: .seconds(30)) { processIsGone(first) })
        #expect(FileManager.default.fileExists(atPath: "\(directory.path)/stopped-\(first)"), "its stop hook ran")
        await bridge.stop()
        #expect(processIsGone(third))
    }
}

/// With a restart policy, a host still running a call abandoned for its `callTimeout` after
/// `stopTimeout` more is killed and replaced; one whose call ended on the cancel is spared.
@Suite(.serialized, .timeLimit(.minutes(2))) struct RunawayCallTests {
    typealias Events = RestartTests.Events

    /// Time limits a loaded machine meets for calls that do return: a runaway call gives up
    /// after 1 s, and its host is killed `grace` later.
    private func options(_ events: Events, grace: Duration = .milliseconds(300)) throws -> BridgeOptions {
        var options = RestartTests.options(events, directory: try TemporaryDirectory())
        options.callTimeout = .seconds(1)
        options.stopTimeout = grace
        return options
    }

    @Test func aHostLostToARunawayCallIsKilledAndReplaced() async throws {
        let events = Events()
        let bridge = try await Bridge<RestartingHost>.start(try options(events))
        let first = bridge.processID
        // `block()` ignores the cancel: it runs for ever.
        let error = await #expect(throws: BridgeError.self) { try await bridge.client.block() }
        #expect(error?.code == .timedOut)
        guard case .restarted(let previous, let fresh, let termination) = await events.restart(1) else { return }
        #expect(previous == first && termination == .signaled(SIGKILL))
        #expect(try await bridge.client.processID() == fresh)
        await bridge.stop()
        #expect(processIsGone(first) && processIsGone(fresh))
    }

    @Test func aBlockingCallerTooLeavesNoHostToARunawayCall() async throws {
        let events = Events()
        let bridge = try await Bridge<RestartingHost>.start(try options(events))
        let client = bridge.client
        let first = bridge.processID
        let blocked = await onOwnThread { () -> BridgeError? in
            do {
                try client.blockingBlock()
                return nil
            } catch {
                return error as? BridgeError
            }
        }
        #expect(blocked?.code == .timedOut)
        guard case .restarted(let previous, let fresh, _) = await events.restart(1) else { return }
        #expect(previous == first)
        #expect(try await onOwnThread { try? client.blockingProcessID() } == fresh)
        await bridge.stop()
    }

    @Test func aCancelledBlockingCallIsNotOverdue() async throws {
        let events = Events()
        var options = try options(events)
        options.callTimeout = nil  // only the cancel ends the call
        let bridge = try await Bridge<RestartingHost>.start(options)
        let relay = try #require(bridge._relay)
        let client = bridge.client
        let blocked = taskOnOwnThreads { try client.blockingBlock() }
        #expect(await eventually(within: .seconds(30)) { relay.callsInFlight == 1 })
        blocked.cancel()
        await #expect(throws: CancellationError.self) { try await blocked.value }
        // Cancelled, not out of time: its host is not watched as one that runs a runaway call.
        let connection = try #require(relay.servingHosts.first?.connection)
        #expect(connection.overdueCalls.isEmpty)
        #expect(relay.callsInFlight == 0)
        await bridge.stop()
    }

    @Test func aHostWhoseCallEndsOnTheCancelIsSpared() async throws {
        let events = Events()
        // Grace enough for the cancel to reach the host and its reply to come back under load.
        let bridge = try await Bridge<RestartingHost>.start(try options(events, grace: .seconds(2)))
        let first = bridge.processID
        let error = await #expect(throws: BridgeError.self) { try await bridge.client.sleepUnlessCancelled() }
        #expect(error?.code == .timedOut)
        let relay = try #require(bridge._relay)
        #expect(await eventually(within: .seconds(30)) { relay.finishedRunawayChecks == 1 })
        #expect(try await bridge.client.processID() == first)
        #expect(events.all.withLock { $0.allSatisfy { if case .restarted = $0 { false } else { true } } })
        await bridge.stop()
    }
}
