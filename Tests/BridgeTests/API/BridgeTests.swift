import Bridge
import Foundation
import Testing

@Suite struct BridgeTests {
    @Test func callsRunInAnotherProcessAndReturnResults() async throws {
        let bridge = try await Bridge<LocalSandbox>.start()
        let facts = try await bridge.client.facts()
        #expect(facts.processID == bridge.processID)
        #expect(facts.processID != getpid())
        #expect(facts.parentProcessID == getpid())
        #expect(try await bridge.client.add(40, 2) == 42)
        #expect(try bridge.client.run(["a", "b", "c"]) == 3)
        await bridge.stop()
        #expect(bridge.termination == .exited(0))
    }

    @Test func hostChangesDirectoryWhileParentKeepsItsOwn() async throws {
        let parentDirectory = FileManager.default.currentDirectoryPath
        let target = FileManager.default.temporaryDirectory.path
        try await withBridge(LocalSandbox.self) { sandbox in
            try await sandbox.changeDirectory(to: target)
            #expect(try await sandbox.currentDirectory() == URL(fileURLWithPath: target).resolvingSymlinksInPath().path)
        }
        #expect(FileManager.default.currentDirectoryPath == parentDirectory)
    }

    @Test func workingDirectoryOptionSetsTheHostsDirectory() async throws {
        let directory = try TemporaryDirectory()
        let cwd = try await withBridge(LocalSandbox.self, options: .init(workingDirectory: directory.path)) {
            try await $0.currentDirectory()
        }
        #expect(cwd == directory.path)
    }

    @Test func missingWorkingDirectoryFailsStartNamingIt() async throws {
        let error = await #expect(throws: BridgeError.self) {
            try await Bridge<LocalSandbox>.start(.init(workingDirectory: "/no/such/directory"))
        }
        // Said as every set-up step says its failure (README, "Wall the host in").
        #expect(error?.code == .startFailed)
        #expect(error?.message.contains("set-up step 'working directory': chdir to /no/such/directory failed: ENOENT (No such file or directory)") == true, "\(String(describing: error))")
    }

    @Test func environmentOptionReplacesTheParentsEnvironment() async throws {
        let facts = try await withBridge(LocalSandbox.self, options: .init(environment: ["ONLY": "this"])) {
            try await $0.facts()
        }
        #expect(facts.bridgeVariable == nil)
        let environment = try await withBridge(LocalSandbox.self, options: .init(environment: ["ONLY": "this"])) {
            try await $0.environment()
        }
        #expect(environment == ["ONLY": "this"])
    }

    @Test func startHookRunsBeforeTheFirstCall() async throws {
        let name = try await withBridge(LocalSandbox.self) { try await $0.name }
        #expect(name == "started")
    }

    @Test func startHookErrorIsThrownByStartAsItself() async throws {
        var environment = ProcessInfo.processInfo.environment
        environment["SANDBOX_FAIL_START"] = "no disk"
        await #expect(throws: SandboxError.refused(reason: "no disk", code: 7)) {
            try await Bridge<LocalSandbox>.start(.init(environment: environment))
        }
    }

    @Test func stopRunsTheStopHookAndReapsTheHost() async throws {
        let directory = try TemporaryDirectory()
        let marker = directory.path + "/stopped"
        var environment = ProcessInfo.processInfo.environment
        environment["SANDBOX_STOP_MARKER"] = marker
        let bridge = try await Bridge<LocalSandbox>.start(.init(environment: environment))
        let pid = bridge.processID
        await bridge.stop()
        #expect(try String(contentsOfFile: marker, encoding: .utf8) == "stopped \(pid)")
        #expect(bridge.termination == .exited(0))
        #expect(kill(pid, 0) == -1 && errno == ESRCH, "the host was reaped, so its pid is free")
    }

    @Test func stopTwiceIsSafeAndLaterCallsFail() async throws {
        let bridge = try await Bridge<LocalSandbox>.start()
        async let first: Void = bridge.stop()
        async let second: Void = bridge.stop()
        _ = await (first, second)
        await bridge.stop()
        await #expect(throws: BridgeError.stopped(method: "add(_:Int,_:Int) async throws -> Int")) {
            try await bridge.client.add(1, 2)
        }
        #expect(throws: BridgeError.self) { try bridge.client.run([]) }
    }

    @Test func withBridgeStopsTheHostWhenTheBodyThrows() async throws {
        struct BodyFailure: Error {}
        var pid: Int32 = 0
        await #expect(throws: BodyFailure.self) {
            try await withBridge(LocalSandbox.self) { sandbox in
                pid = try await sandbox.facts().processID
                throw BodyFailure()
            }
        }
        #expect(pid != 0)
        #expect(kill(pid, 0) == -1 && errno == ESRCH, "the host was stopped and reaped")
    }

    @Test func withBridgeStopsTheHostWhenTheTaskIsCancelled() async throws {
        let started = OneShotValue<Int32>()
        let task = Task {
            // The hung call never reaches the stop, so stop escalates to signals quickly.
            try await withBridge(LocalSandbox.self, options: .init(stopTimeout: .milliseconds(100))) { sandbox in
                started.set(try await sandbox.facts().processID)
                try await sandbox.hang()
            }
        }
        let pid = await started.value()
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(kill(pid, 0) == -1 && errno == ESRCH, "the host was stopped and reaped")
    }
}
