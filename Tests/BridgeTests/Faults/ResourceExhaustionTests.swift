import Bridge
import Foundation
import Testing

/// A parent out of resources: `start()` fails at once naming what ran out, leaks nothing, and
/// works again once the resources are back. Run in a probe host, whose limits the test may
/// lower without touching the tests beside it.
@Suite struct ResourceExhaustionTests {
    @Test func outOfDescriptorsStartFailsNamingTheLimitAndRecovers() async throws {
        let seen = try await withBridge(LocalHygieneProbe.self) { try await $0.startOutOfDescriptors() }
        let error = try #require(seen.error, "start() succeeded with no descriptors to spare")
        #expect(error.code == .startFailed)
        #expect(error.description.contains("Too many open files") && error.description.contains("raise RLIMIT_NOFILE"), "\(error)")
        #expect(seen.after.isNoLarger(than: seen.before), "before: \(seen.before); after: \(seen.after)")
        #expect(seen.after.zombies == 0)
        #expect(seen.answerAfter == "again")
    }

    @Test func outOfProcessesStartFailsNamingTheLimitAndRecovers() async throws {
        // As `nobody`: root is not bound by RLIMIT_NPROC.
        var options = BridgeOptions(user: "nobody")
        options.callTimeout = .seconds(120)  // a probe stuck at the limit fails the test, not hangs it
        let seen = try await withBridge(LocalHygieneProbe.self, options: options) { try await $0.startOutOfProcesses() }
        let error = try #require(seen.error, "start() succeeded at the limit on processes")
        #expect(error.code == .startFailed)
        #expect(error.description.contains("EAGAIN") || error.description.contains("Resource temporarily unavailable"), "\(error)")
        #expect(error.description.contains("RLIMIT_NPROC"), "\(error)")
        #expect(seen.after.isNoLarger(than: seen.before), "before: \(seen.before); after: \(seen.after)")
        #expect(seen.after.zombies == 0)
        #expect(seen.answerAfter == "again")
    }
}
