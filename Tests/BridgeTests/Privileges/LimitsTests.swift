import Bridge
import Foundation
import Testing

/// `BridgeOptions.limits`, seen from inside the host, and a host that outruns one.
@Suite(.enabled(if: geteuid() == 0, "the tested path is a root parent"))
struct LimitsTests {
    @Test func everyLimitIsInForceInsideTheHost() async throws {
        let limits = BridgeLimits(
            addressSpace: 64 << 30, cpuTime: .milliseconds(29_500), openFiles: 200, processes: 5000, fileSize: 1 << 20, coreDumps: false)
        let seen = try await withBridge(LocalConfinementProbe.self, options: .init(limits: limits)) { try await $0.limits() }
        #expect(seen["RLIMIT_AS"] == ObservedLimit(soft: 64 << 30, hard: 64 << 30))
        // Rounded up to whole seconds; the hard limit a second later, so that SIGXCPU comes first.
        #expect(seen["RLIMIT_CPU"] == ObservedLimit(soft: 30, hard: 31))
        #expect(seen["RLIMIT_NOFILE"] == ObservedLimit(soft: 200, hard: 200))
        #expect(seen["RLIMIT_NPROC"] == ObservedLimit(soft: 5000, hard: 5000))
        #expect(seen["RLIMIT_FSIZE"] == ObservedLimit(soft: 1 << 20, hard: 1 << 20))
        #expect(seen["RLIMIT_CORE"] == ObservedLimit(soft: 0, hard: 0))
    }

    @Test func limitsLeftNilAreTheParents() async throws {
        let parent = try await LocalConfinementProbe().limits()
        let seen = try await withBridge(LocalConfinementProbe.self, options: .init(limits: .init(fileSize: 1 << 30))) { try await $0.limits() }
        #expect(seen["RLIMIT_FSIZE"] == ObservedLimit(soft: 1 << 30, hard: 1 << 30))
        for (name, limit) in parent where name != "RLIMIT_FSIZE" {
            #expect(seen[name] == limit, "\(name)")
        }
    }

    @Test func coreDumpsRaisesTheSoftLimitToTheHardOne() async throws {
        let hard = try System.limit(.coreSize).hard
        let seen = try await withBridge(LocalConfinementProbe.self, options: .init(limits: .init(coreDumps: true))) { try await $0.limits() }
        #expect(seen["RLIMIT_CORE"] == ObservedLimit(soft: hard, hard: hard))
    }

    @Test func aRunawayCallIsStoppedByTheCPULimitAndTheErrorSaysSo() async throws {
        let bridge = try await Bridge<LocalConfinementProbe>.start(.init(limits: .init(cpuTime: .seconds(1), coreDumps: false)))
        let error = await #expect(throws: BridgeError.self) { try await bridge.client.spin() }
        #expect(error?.code == .hostExited)
        #expect(error?.termination == .signaled(SIGXCPU))
        #expect(error?.description.contains("was killed by SIGXCPU while 'spin() async throws -> Int' was waiting for it") == true, "\(String(describing: error))")
        #expect(error?.description.contains("BridgeLimits.cpuTime") == true)
        #expect(bridge.termination == .signaled(SIGXCPU))
        #expect(bridge.termination?.description == "was killed by SIGXCPU")
        await bridge.stop()
    }

    @Test func writingPastTheFileSizeLimitEndsTheHostWithSIGXFSZ() async throws {
        let directory = try TemporaryDirectory()
        let bridge = try await Bridge<LocalConfinementProbe>.start(.init(output: .discard, limits: .init(fileSize: 4096, coreDumps: false)))
        #expect(try await bridge.client.write(4096, bytesTo: directory.path + "/fits") == 0)
        let error = await #expect(throws: BridgeError.self) { try await bridge.client.write(8192, bytesTo: directory.path + "/too-large") }
        #expect(error?.termination == .signaled(SIGXFSZ))
        #expect(error?.description.contains("was killed by SIGXFSZ") == true && error?.description.contains("BridgeLimits.fileSize") == true, "\(String(describing: error))")
        #expect(bridge.termination == .signaled(SIGXFSZ))
        await bridge.stop()
    }

    @Test func runningOutOfAddressSpaceNamesTheFailedAllocation() async throws {
        let limit = 8 << 30
        let bridge = try await Bridge<LocalConfinementProbe>.start(.init(output: .discard, limits: .init(addressSpace: limit, coreDumps: false)))
        #expect(try await bridge.client.allocate(1 << 20) == 1 << 20, "a small allocation fits")
        let error = await #expect(throws: BridgeError.self) { try await bridge.client.allocate(16 << 30) }
        #expect(error?.code == .hostExited)
        #expect(error?.limit == limit)
        #expect(error?.description.contains("address space limit of \(limit) bytes") == true, "\(String(describing: error))")
        #expect(error?.description.contains("failed to allocate") == true)
        await bridge.stop()
    }

    @Test(arguments: [
        (BridgeLimits(openFiles: -1), "BridgeLimits.openFiles is -1; a limit cannot be negative"),
        (BridgeLimits(cpuTime: .zero), "BridgeLimits.cpuTime is 0.0 seconds"),
        // Above the kernel's nr_open: refused even to root.
        (BridgeLimits(openFiles: 1 << 40), "set-up step 'limits': setrlimit(RLIMIT_NOFILE, soft 1099511627776, hard 1099511627776) failed: EPERM"),
    ])
    func aLimitThatCannotBeSetFailsTheStartNamingIt(limits: BridgeLimits, message: String) async throws {
        let error = await #expect(throws: BridgeError.self) { try await Bridge<LocalConfinementProbe>.start(.init(limits: limits)) }
        #expect(error?.code == .startFailed)
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }
}
