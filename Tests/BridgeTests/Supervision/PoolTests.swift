@testable import Bridge
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `BridgePool`: the same generated client in front of many hosts.
@Suite(.serialized, .timeLimit(.minutes(3))) struct PoolTests {
    typealias Events = RestartTests.Events

    @Test func startsEveryHostAndStopsThemAll() async throws {
        let pool = try await BridgePool<RestartingHost>.start(size: 3, options: .init(output: .discard))
        let pids = pool.processIDs
        #expect(pids.count == 3 && Set(pids).count == 3)
        // An idle pool shares calls out: each host takes some.
        var seen = Set<Int32>()
        for _ in 0..<9 { seen.insert(try await pool.client.processID()) }
        #expect(seen == Set(pids))
        await pool.stop()
        #expect(pids.allSatisfy(processIsGone))
        let error = await #expect(throws: BridgeError.self) { try await pool.client.processID() }
        #expect(error?.code == .stopped)
    }

    @Test func aSlowCallOnOneHostDoesNotDelayCallsAnotherCanTake() async throws {
        let directory = try TemporaryDirectory()
        let pool = try await BridgePool<RestartingHost>.start(size: 2, options: .init(workingDirectory: directory.path, output: .discard))
        let gate = "\(directory.path)/gate"
        #expect(mkfifo(gate, 0o600) == 0)
        let client = pool.client
        async let held = client.processID(afterFIFO: gate)
        #expect(await eventually(within: .seconds(30)) { pool._relay.callsInFlight == 1 })
        var others = Set<Int32>()
        for _ in 0..<10 { others.insert(try await client.processID()) }
        #expect(others.count == 1, "every call goes to the host that is not busy")
        #expect(await eventually(within: .seconds(30)) { releaseFIFO(gate) })
        let slow = try await held
        #expect(!others.contains(slow))
        await pool.stop()
    }

    @Test func withBridgePoolStopsEveryHost() async throws {
        let pids = try await withBridgePool(RestartingHost.self, size: 2, options: .init(output: .discard)) { client in
            var pids = Set<Int32>()
            for _ in 0..<4 { pids.insert(try await client.processID()) }
            return pids
        }
        #expect(pids.count == 2)
        #expect(pids.allSatisfy(processIsGone))
    }

    @Test func aPoolWhoseHostsAllGaveUpFailsCallsAtOnce() async throws {
        let pool = try await BridgePool<RestartingHost>.start(size: 2, options: .init(output: .discard))
        let pids = pool.processIDs
        for pid in pids { kill(pid, SIGKILL) }
        #expect(await eventually(within: .seconds(30)) { pool.processIDs.isEmpty })
        let began = ContinuousClock.now
        let error = await #expect(throws: BridgeError.self) { try await pool.client.processID() }
        #expect(error?.code == .hostExited, "\(String(describing: error))")
        #expect(ContinuousClock.now - began < .seconds(5))
        await pool.stop()
    }

    @Test func aCallWaitsInThePoolForRoomAndOutlivesAHostThatCrashes() async throws {
        let directory = try TemporaryDirectory()
        let events = Events()
        let pool = try await BridgePool<RestartingHost>.start(size: 2, options: RestartTests.options(events, directory: directory))
        let (gateA, gateB) = ("\(directory.path)/gate-a", "\(directory.path)/gate-b")
        #expect(mkfifo(gateA, 0o600) == 0 && mkfifo(gateB, 0o600) == 0)
        let client = pool.client
        let relay = pool._relay
        let heldA = Task { try await client.processID(afterFIFO: gateA) }
        // Running, so that no quick call reaches its host first.
        #expect(await eventually(within: .seconds(30)) { fifoHasReader(gateA) })
        let hostA = try #require(relay.servingHosts.first { $0.connection.callsInFlight == 1 }).host.id
        let heldB = Task { try await client.processID(afterFIFO: gateB) }
        #expect(await eventually(within: .seconds(30)) { fifoHasReader(gateB) })
        #expect(relay.callsInFlight == 2)
        // Each host holds the call it runs and the next: one more call each.
        let queued = [Task { try await client.double(1) }, Task { try await client.double(2) }]
        #expect(await eventually(within: .seconds(30)) { relay.servingHosts.allSatisfy { $0.connection.callsInFlight == 2 } })
        // Every host holds two: the fifth waits in the pool, not behind them.
        let waiting = Task { try await client.double(21) }
        #expect(await eventually(within: .seconds(30)) { relay.waitingCallers == 1 })
        #expect(relay.callsInFlight == 4)
        // The host that holds gate A crashes: its two calls fail, the waiting one goes on.
        kill(hostA, SIGKILL)
        let crashed = await #expect(throws: BridgeError.self) { try await heldA.value }
        #expect(crashed?.code == .hostExited, "\(String(describing: crashed))")
        let doubled = try await waiting.value
        #expect(doubled == 42)
        #expect(await eventually(within: .seconds(30)) { releaseFIFO(gateB) })
        _ = try await heldB.value
        var outcomes: [Int?] = []
        for call in queued { outcomes.append(try? await call.value) }
        #expect(outcomes.compactMap { $0 }.count == 1, "one queued call was in each host: \(outcomes)")
        await pool.stop()
    }

    @Test func aWaitingCallIsNeverHandedTheHostThatDied() async throws {
        // A blocked caller reads its host's end and releases the host before the relay's
        // watcher acts on that end: a hand-out then must not pick the dead host. A race, so
        // rounds: without the checks (the relay's `release` and `isLive`, each of which covers
        // for the other here), 3 of 30 failed.
        for _ in 0..<20 {
            let directory = try TemporaryDirectory()
            let pool = try await BridgePool<RestartingHost>.start(
                size: 1, options: RestartTests.options(Events(), restarts: 100, directory: directory))
            let client = pool.client
            let relay = pool._relay
            let held = taskOnOwnThreads { try client.blockingBlock() }
            #expect(await eventually(within: .seconds(30)) { relay.callsInFlight == 1 })
            let host = try #require(relay.servingHosts.first).host.id
            // A call that never returns either: the relay counts a call when it leases the
            // host, before the call is written, so a quick one could reach the host first,
            // return, and make room for the call meant to wait.
            let queued = Task { try await client.block() }
            #expect(await eventually(within: .seconds(30)) { relay.callsInFlight == 2 })
            let waiting = Task { try await client.double(21) }
            #expect(await eventually(within: .seconds(30)) { relay.waitingCallers == 1 })
            kill(host, SIGKILL)
            _ = await held.result
            _ = await queued.result
            let doubled = try await waiting.value
            #expect(doubled == 42)
            await pool.stop()
        }
    }

    @Test func aCallWaitingInThePoolEndsOnItsCancel() async throws {
        let directory = try TemporaryDirectory()
        let pool = try await BridgePool<RestartingHost>.start(size: 1, options: .init(workingDirectory: directory.path, output: .discard))
        let gate = "\(directory.path)/gate"
        #expect(mkfifo(gate, 0o600) == 0)
        let client = pool.client
        let relay = pool._relay
        let held = Task { try await client.processID(afterFIFO: gate) }
        // Running, so that the next call waits behind it, and no quick call reaches the host first.
        #expect(await eventually(within: .seconds(30)) { fifoHasReader(gate) })
        let next = Task { try await client.double(2) }
        #expect(await eventually(within: .seconds(30)) { relay.callsInFlight == 2 })
        let cancelled = Task { try await client.double(1) }
        #expect(await eventually(within: .seconds(30)) { relay.waitingCallers == 1 })
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        #expect(relay.waitingCallers == 0)
        // A blocking caller waits the same way, and its cancel ends its wait too.
        let blocked = taskOnOwnThreads { try client.blockingProcessID() }
        #expect(await eventually(within: .seconds(30)) { relay.waitingCallers == 1 })
        blocked.cancel()
        await #expect(throws: CancellationError.self) { try await blocked.value }
        // A call waiting when the host returns one is handed the room.
        let waiting = Task { try await client.double(3) }
        #expect(await eventually(within: .seconds(30)) { relay.waitingCallers == 1 })
        #expect(await eventually(within: .seconds(30)) { releaseFIFO(gate) })
        let host = try await held.value
        #expect(try await next.value == 4)
        #expect(try await waiting.value == 6)
        #expect(try await client.processID() == host)
        await pool.stop()
    }

    @Test func aCallWaitsInThePoolAtMostItsCallTimeout() async throws {
        let directory = try TemporaryDirectory()
        // With a restart policy, a host that still runs a call abandoned for its time limit
        // stays busy (and is replaced after stopTimeout more).
        var options = RestartTests.options(Events(), directory: directory)
        options.callTimeout = .milliseconds(300)
        options.stopTimeout = .milliseconds(300)
        let pool = try await BridgePool<RestartingHost>.start(size: 1, options: options)
        let gate = "\(directory.path)/gate"
        #expect(mkfifo(gate, 0o600) == 0)
        let client = pool.client
        let held = Task { try await client.processID(afterFIFO: gate) }
        // Running, so that the next call waits behind it, and no quick call reaches the host first.
        #expect(await eventually(within: .seconds(30)) { fifoHasReader(gate) })
        let next = Task { try await client.double(2) }
        #expect(await eventually(within: .seconds(30)) { pool._relay.callsInFlight == 2 })
        let error = await #expect(throws: BridgeError.self) { try await client.double(1) }
        #expect(error?.code == .timedOut, "\(String(describing: error))")
        #expect(error?.description.contains("for one of the pool's hosts to be free; the call was not sent") == true, "\(String(describing: error))")
        _ = releaseFIFO(gate)
        _ = await held.result
        _ = await next.result
        await pool.stop()
    }

    @Test func aCrashedHostIsReplacedAndTheOthersServeMeanwhile() async throws {
        let events = Events()
        let pool = try await BridgePool<RestartingHost>.start(
            size: 2, options: RestartTests.options(events, directory: try TemporaryDirectory()))
        let (first, second) = (pool.processIDs[0], pool.processIDs[1])
        kill(first, SIGKILL)
        guard case .restarted(let previous, let fresh, _) = await events.restart(1) else { return }
        #expect(previous == first)
        #expect(Set(pool.processIDs) == [second, fresh])
        await pool.stop()
        #expect([first, second, fresh].allSatisfy(processIsGone))
    }

    @Test func everyHostOfAConfiguredPoolGetsTheConfiguration() async throws {
        let settings = TallySettings(start: 40, label: "pool")
        let seen = try await withBridgePool(ConfiguredTally.self, size: 2, configuration: settings) { tally in
            var seen: [TallySettings] = []
            for _ in 0..<4 { seen.append(try await tally.settings()) }
            return seen
        }
        #expect(seen == Array(repeating: settings, count: 4))
        // A restart recreates the real type with the same configuration.
        let events = Events()
        let bridge = try await Bridge<ConfiguredTally>.start(
            configuration: settings, options: RestartTests.options(events, directory: try TemporaryDirectory()))
        #expect(try await bridge.client.next() == 41)
        kill(bridge.processID, SIGKILL)
        _ = await events.restart(1)
        #expect(try await bridge.client.next() == 41)
        await bridge.stop()
    }

    @Test func aPoolWhoseHostsFailToStartThrowsTheirErrorAndLeavesNoProcess() async throws {
        let spawned = Locked<[Int32]>([])
        let options = BridgeOptions(events: { if case .spawned(let pid, _) = $0 { spawned.withLock { $0.append(pid) } } })
        let error = await #expect(throws: TallyError.self) {
            try await BridgePool<ConfiguredTally>.start(size: 3, configuration: TallySettings(start: 0, label: "no", refuse: true), options: options)
        }
        #expect(error == .refused(label: "no"))
        #expect(spawned.withLock { $0.count } == 3)
        #expect(spawned.withLock { $0 }.allSatisfy(processIsGone))
    }

    @Test func aPoolOfNoHostsIsRefused() async throws {
        let error = await #expect(throws: BridgeError.self) { try await BridgePool<RestartingHost>.start(size: 0) }
        #expect(error?.code == .startFailed)
    }

    /// 1,000 calls across a pool of 4 while hosts are killed at random: each call returns its
    /// answer or fails with `hostExited`, none hangs, and no process is left after `stop()`.
    @Test func aThousandCallsWhileHostsAreKilledAtRandom() async throws {
        let spawned = Locked<[Int32]>([])
        let options = BridgeOptions(
            output: .discard,
            events: { event in if case .spawned(let pid, _) = event { spawned.withLock { $0.append(pid) } } },
            limits: .init(coreDumps: false),
            restart: .onCrash(maximumRestarts: 1000, within: .seconds(60)))
        let pool = try await BridgePool<RestartingHost>.start(size: 4, options: options)
        let client = pool.client
        let done = Locked(0)
        let killer = Task {
            var killed = 0
            var lastKill = 0
            while !Task.isCancelled, killed < 25 {
                // A kill every 40 calls answered, not every so many milliseconds.
                let answered = done.withLock { $0 }
                if answered >= 1000 { break }
                if answered - lastKill >= 40, let victim = pool.processIDs.randomElement() {
                    kill(victim, SIGKILL)
                    killed += 1
                    lastKill = answered
                }
                await Task.yield()
            }
            return killed
        }
        let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
            var outcomes: [Bool] = []
            for index in 0..<1000 {
                if index >= 32, let outcome = try await group.next() { outcomes.append(outcome) }
                group.addTask {
                    defer { done.withLock { $0 += 1 } }
                    do {
                        let answer = try await client.double(index)
                        #expect(answer == index * 2)
                        return true
                    } catch let error as BridgeError {
                        #expect(error.code == .hostExited, "\(error)")
                        return false
                    }
                }
            }
            for try await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        killer.cancel()
        let killed = await killer.value
        #expect(outcomes.count == 1000)
        #expect(outcomes.filter { $0 }.count > 500, "most calls are answered: \(outcomes.filter { $0 }.count)")
        #expect(killed > 0)
        await pool.stop()
        let pids = spawned.withLock { $0 }
        #expect(pids.count >= 4)
        #expect(pids.allSatisfy(processIsGone), "\(pids.filter { !processIsGone($0) })")
    }
}

/// Supervised bridges and pools, restarted and recycled, leak no descriptor, thread or child.
@Suite(.serialized, .timeLimit(.minutes(5))) struct SupervisionHygieneTests {
    @Test func restartCyclesLeakNoDescriptorThreadOrChild() async throws {
        let census = try await withBridge(LocalRestartHygieneProbe.self) { probe in
            // Each cycle starts 7 hosts or more: 10 cycles show a leak 10 times over, without
            // loading the machine the suites share.
            try await probe.cycleSupervised(10, warmUp: 2)
        }
        // While they ran: two bridges' hosts and a pool's two (and perhaps a retired host,
        // still running its stop hook).
        #expect(census.during.children >= census.before.children + 4)
        #expect(census.after.isNoLarger(than: census.before, sparing: ProcessCensus.poolWidth), "before: \(census.before); after: \(census.after)")
        #expect(census.after.zombies == 0)
    }
}
