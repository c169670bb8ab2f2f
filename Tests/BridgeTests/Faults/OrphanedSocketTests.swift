import Bridge
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A host whose real object starts a process of its own that inherits the host's sockets (as
/// `fork` without close-on-exec does) and outlives it.
protocol Forker: Bridged {
    /// Forks a child that keeps every descriptor and waits to be killed, writes its pid to
    /// `marker`, then exits the host with status 9.
    func forkAndExit(marker: String) async throws -> Int
}

final class LocalForker: Forker {
    init() {}

    func forkAndExit(marker: String) async throws -> Int {
        let child = fork()
        if child == 0 {
            // Async-signal-safe calls only, in a child of a threaded process. The test kills it;
            // should that be missed, the alarm ends it in a minute.
            alarm(60)
            while true { pause() }
        }
        _ = FileManager.default.createFile(atPath: marker, contents: Data("\(child)".utf8))
        exit(9)
    }
}

/// The host's end of the bridge stays open in a process that outlives the host: the parent
/// must still see the host's end (its exit, on the pidfd), not wait for the socket to close.
@Suite struct OrphanedSocketTests {
    @Test func aHostWhoseChildKeepsItsSocketsIsSeenToEnd() async throws {
        let directory = try TemporaryDirectory()
        let marker = directory.path + "/child"
        let bridge = try await Bridge<LocalForker>.start()
        let began = ContinuousClock.now
        let error = await #expect(throws: BridgeError.self) { try await bridge.client.forkAndExit(marker: marker) }
        // Bounded, not timed: before, the call waited for as long as the child lived.
        #expect(ContinuousClock.now - began < .seconds(20))
        #expect(error?.code == .hostExited)
        #expect(error?.termination == .exited(9), "\(String(describing: error))")
        if let text = try? String(contentsOfFile: marker, encoding: .utf8), let child = pid_t(text) {
            kill(child, SIGKILL)
        } else {
            Issue.record("the host did not say which child it started")
        }
        await bridge.stop()
    }
}
