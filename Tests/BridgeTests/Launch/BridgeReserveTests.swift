@testable import Bridge
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Says when its real object was made, on the clock every process shares.
protocol BirthRecord: Bridged {
    func bornAt() async throws -> UInt64
}

final class LocalBirthRecord: BirthRecord {
    private let born = monotonicNanoseconds()
    init() {}
    func bornAt() async throws -> UInt64 { born }
}

private func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

@Suite struct BridgeReserveTests {
    @Test func aBridgeFromAReserveServesOnAWaitingHostWhichIsReplaced() async throws {
        let reserve = try await BridgeReserve.start(hosts: 2)
        let waiting = await reserve.readyProcessIDs
        #expect(waiting.count == 2)
        let bridge = try await Bridge<LocalSandbox>.start(from: reserve)
        #expect(bridge.processID == waiting[0])
        let facts = try await bridge.client.facts()
        #expect(facts.processID == waiting[0])
        #expect(facts.parentProcessID == getpid())
        #expect(try await bridge.client.name == "started")  // the start hook ran
        // The one taken was replaced by a new launch.
        let after = await reserve.readyProcessIDs
        #expect(after.count == 2)
        #expect(after[0] == waiting[1])
        #expect(!waiting.contains(after[1]))
        await bridge.stop()
        #expect(bridge.termination == .exited(0))
        await reserve.stop()
    }

    /// The real object is made when a bridge takes the host, not when the host was launched.
    @Test func theRealObjectIsMadeWhenTheBridgeStarts() async throws {
        let reserve = try await BridgeReserve.start(hosts: 1)
        let beforeStart = monotonicNanoseconds()
        let bridge = try await Bridge<LocalBirthRecord>.start(from: reserve)
        #expect(try await bridge.client.bornAt() > beforeStart)
        await bridge.stop()
        await reserve.stop()
    }

    /// The options that come with the hello (user, working directory) are applied when the
    /// bridge takes the host, before the real object exists; one reserve serves any real type.
    @Test func theReservesOptionsApplyAsToAFreshHost() async throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
        let options = BridgeOptions(workingDirectory: directory.path, environment: ["ONLY": "this"], user: "nobody")
        let reserve = try await BridgeReserve.start(hosts: 1, options: options)
        let sandbox = try await Bridge<LocalSandbox>.start(from: reserve)
        let fresh = try await Bridge<LocalSandbox>.start(options)
        #expect(try await sandbox.client.currentDirectory() == directory.path)
        #expect(try await sandbox.client.environment() == ["ONLY": "this"])
        // The same descriptors as a fresh host's, by number: none of another bridge.
        let reserved = try await sandbox.client.facts().openDescriptors
        let started = try await fresh.client.facts().openDescriptors
        #expect(reserved.keys.sorted() == started.keys.sorted())
        await sandbox.stop()
        await fresh.stop()

        let identity = try await Bridge<LocalIdentityProbe>.start(from: reserve)
        #expect(try await identity.client.identity().userID == 65534)
        await identity.stop()
        await reserve.stop()
    }

    @Test func stopEndsTheWaitingHostsAndLaterStartsFail() async throws {
        let reserve = try await BridgeReserve.start(hosts: 3)
        let waiting = await reserve.readyProcessIDs
        #expect(waiting.count == 3)
        await reserve.stop()
        for id in waiting {
            // Reaped: no such process (or, in a rare race, a new process with its id).
            #expect(kill(id, 0) == -1 || processName(id) != processName(getpid()))
        }
        let error = await #expect(throws: BridgeError.self) { try await Bridge<LocalSandbox>.start(from: reserve) }
        #expect(error?.code == .stopped)
    }

    /// A host killed while it waited is passed over; the next one serves.
    @Test func aWaitingHostThatDiedIsPassedOver() async throws {
        let reserve = try await BridgeReserve.start(hosts: 2)
        let waiting = await reserve.readyProcessIDs
        // Dead before the start looks: its exit descriptor says so (a kill takes effect when
        // the process next runs).
        let exit = try #require(System.processExitDescriptor(waiting[0]))
        defer { System.close(exit) }
        kill(waiting[0], SIGKILL)
        #expect(System.waitForExit(exit, timeout: .seconds(10)))
        let bridge = try await Bridge<LocalSandbox>.start(from: reserve)
        #expect(bridge.processID != waiting[0])
        #expect(try await bridge.client.add(1, 2) == 3)
        await bridge.stop()
        await reserve.stop()
    }

    /// More starts at once than the reserve holds: the ones that find it empty launch hosts of
    /// their own, and every bridge serves on its own host.
    @Test func moreStartsThanHostsAllServe() async throws {
        let reserve = try await BridgeReserve.start(hosts: 1)
        let bridges = try await withThrowingTaskGroup(of: Bridge<LocalSandbox>.self) { group in
            for _ in 0..<3 { group.addTask { try await Bridge<LocalSandbox>.start(from: reserve) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(bridges.map(\.processID)).count == 3)
        for (index, bridge) in bridges.enumerated() {
            #expect(try await bridge.client.add(index, 1) == index + 1)
            await bridge.stop()
        }
        #expect(await reserve.readyProcessIDs.count == 1)
        await reserve.stop()
    }

    @Test func supervisedOptionsAndEmptyReservesAreRefused() async throws {
        let supervised = await #expect(throws: BridgeError.self) {
            try await BridgeReserve.start(hosts: 1, options: .init(restart: .onCrash(maximumRestarts: 1, within: .seconds(1))))
        }
        #expect(supervised?.description.contains("spareHosts") == true)
        let empty = await #expect(throws: BridgeError.self) { try await BridgeReserve.start(hosts: 0) }
        #expect(empty?.code == .startFailed)
    }

    /// A start in a task already cancelled takes no host from the reserve.
    @Test func aStartInACancelledTaskTakesNoHost() async throws {
        let reserve = try await BridgeReserve.start(hosts: 1)
        let waiting = await reserve.readyProcessIDs
        let start = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await Bridge<LocalSandbox>.start(from: reserve)
        }
        await #expect(throws: CancellationError.self) { try await start.value }
        // Not taken (the start checked first): still waiting, and still one.
        #expect(await reserve.readyProcessIDs == waiting)
        await reserve.stop()
    }
}

/// The command name of a process, or nil when there is none.
private func processName(_ id: Int32) -> String? {
    try? String(contentsOfFile: "/proc/\(id)/comm", encoding: .utf8)
}
