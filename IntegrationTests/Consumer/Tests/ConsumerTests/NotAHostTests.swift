import Bridge
import Foundation
import Greeting
import Testing

/// `start()` given an executable that cannot be a host fails with an error that names the file
/// and what to do, in bounded time, and leaves no process behind.
@Suite struct NotAHostTests {
    let productsDirectory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()

    @Test func programWithoutBridgeThatExits() async throws {
        let path = productsDirectory.appendingPathComponent("plain-program").path
        let error = try await startError(BridgeOptions(executable: path, output: .discard))
        #expect(error.description.contains(path), "\(error)")
        #expect(error.description.contains("does not link Bridge"), "\(error)")
    }

    @Test func programWithoutBridgeThatRuns() async throws {
        let path = productsDirectory.appendingPathComponent("plain-program").path
        let began = ContinuousClock.now
        let error = try await startError(
            BridgeOptions(environment: ["PLAIN_LINGER": "1"], executable: path, startTimeout: .seconds(2), output: .discard))
        #expect(ContinuousClock.now - began < .seconds(10))
        #expect(error.description.contains(path), "\(error)")
        #expect(error.description.contains("does not link Bridge"), "\(error)")
    }

    @Test func fileThatIsNotExecutable() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("not-executable-\(UUID())").path
        try Data("#!/bin/sh\n".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = try await startError(BridgeOptions(executable: path))
        #expect(error.description.contains(path), "\(error)")
        #expect(error.description.lowercased().contains("permission denied"), "\(error)")
    }

    @Test func fileThatDoesNotExist() async throws {
        let path = "/nonexistent/host-\(UUID())"
        let error = try await startError(BridgeOptions(executable: path))
        #expect(error.description.contains(path), "\(error)")
        #expect(error.description.lowercased().contains("no such file"), "\(error)")
    }

    private func startError(_ options: BridgeOptions) async throws -> BridgeError {
        do {
            let bridge = try await Bridge<LocalGreeter>.start(options)
            await bridge.stop()
            Issue.record("start() succeeded")
            throw CancellationError()
        } catch let error as BridgeError {
            return error
        }
    }
}
