import Bridge
import Distributed
import Foundation
import Testing

/// Distributed actors in real host processes: start, call, stop, options, shutdown.
@Suite struct DistributedActorTests {
    @Test func startCallAndStopAHost() async throws {
        let directory = try TemporaryDirectory()
        for name in ["a", "b", "c"] { #expect(FileManager.default.createFile(atPath: directory.path + "/" + name, contents: nil)) }
        try FileManager.default.createDirectory(atPath: directory.path + "/sub", withIntermediateDirectories: false)

        let system = BridgeActorSystem()
        let counter = try await system.start(FileCounter.self)
        let pid = try #require(system.processID(of: counter))
        #expect(try await counter.count(in: directory.path) == 3)
        let facts = try await counter.facts()
        #expect(facts.processID == pid)
        #expect(facts.processID != getpid())
        #expect(counter.id.host != 0)

        await system.stop(counter)
        #expect(system.processID(of: counter) == nil)
        #expect(processIsGone(pid))
        let error = await #expect(throws: BridgeError.self) { try await counter.count(in: directory.path) }
        #expect(error?.code == .stopped)
        // Named as the user called it.
        #expect(error?.method?.hasSuffix("FileCounter.count(in:)") == true)
        #expect(error?.description.contains("FileCounter.count(in:)' was not sent") == true)
        await system.shutdown()
    }

    @Test func theReferenceStartReturnsIsTheOneResolveYields() async throws {
        let system = BridgeActorSystem()
        let counter = try await system.start(FileCounter.self)
        let resolved = try FileCounter.resolve(id: counter.id, using: system)
        #expect(resolved.id == counter.id)
        #expect(try await resolved.facts() == (try await counter.facts()))
        // Remote, as the docs say to ask; an actor of this process is not.
        #expect(__isRemoteActor(counter) && __isRemoteActor(resolved))
        #expect(await counter.whenLocal { _ in true } == nil)
        let sink = ProgressSink(actorSystem: system)
        #expect(!__isRemoteActor(sink))
        #expect(await sink.whenLocal { _ in true } == true)
        await system.shutdown()
    }

    @Test func optionsApplyBeforeTheActorExists() async throws {
        let directory = try TemporaryDirectory()
        let system = BridgeActorSystem()
        let counter = try await system.start(FileCounter.self, options: .init(workingDirectory: directory.path))
        #expect(try await counter.facts().workingDirectory == directory.path)
        await system.shutdown()
    }

    @Test(.enabled(if: geteuid() == 0, "switching user needs a root parent"))
    func aHostRunsAsNobodyWhileTheParentStaysRoot() async throws {
        let nobody = try #require(getpwnam("nobody")?.pointee.pw_uid)
        let system = BridgeActorSystem()
        let counter = try await system.start(FileCounter.self, options: .init(user: "nobody"))
        #expect(try await counter.facts().userID == nobody)
        #expect(geteuid() == 0)
        // A root-only directory is closed to it.
        let directory = try TemporaryDirectory()
        #expect(chmod(directory.path, 0o700) == 0)
        await #expect(throws: CountingError.noSuchDirectory(directory.path)) { try await counter.count(in: directory.path) }
        await system.shutdown()
    }

    @Test func shutdownStopsEveryHostAndRefusesNewOnes() async throws {
        let system = BridgeActorSystem()
        let first = try await system.start(FileCounter.self)
        let second = try await system.start(FileCounter.self)
        let pids = [try #require(system.processID(of: first)), try #require(system.processID(of: second))]
        #expect(pids[0] != pids[1])
        #expect(first.id.host != second.id.host)
        await system.shutdown()
        #expect(pids.allSatisfy(processIsGone))
        let error = await #expect(throws: BridgeError.self) { try await system.start(FileCounter.self) }
        #expect(error?.code == .startFailed)
    }

    @Test func anActorNoHostCanCreateIsRefusedBeforeAnyHostStarts() async throws {
        let system = BridgeActorSystem()
        let starts: [@Sendable () async throws -> Void] = [
            { _ = try await system.start(NamedCounter.self) },
            { _ = try await system.start(ScaledByDefault.self) },
            { _ = try await system.start(ThrowingStart.self) },
            { _ = try await system.start(WaitingStart.self) },
        ]
        for start in starts {
            let error = await #expect(throws: BridgeError.self) { try await start() }
            #expect(error?.code == .startFailed)
            // It says what a host needs, not only which protocol is missing.
            #expect(error?.description.contains("BridgeActorHostable") == true)
            #expect(error?.description.contains("takes the actor system alone and neither throws nor is async") == true)
        }
    }

    @Test func restartOptionsAreRefused() async throws {
        let system = BridgeActorSystem()
        let error = await #expect(throws: BridgeError.self) {
            try await system.start(FileCounter.self, options: .init(restart: .onCrash(maximumRestarts: 1, within: .seconds(1))))
        }
        #expect(error?.code == .startFailed)
    }

    /// `BridgeOptions.events` names a distributed call by its function, as the user called it,
    /// and is not told of the system's own call that attaches a new host.
    @Test func eventsNameTheDistributedFunctionCalled() async throws {
        let calls = Locked<[String]>([])
        let options = BridgeOptions(events: { event in
            if case .call(let method, _, let outcome) = event { calls.withLock { $0.append("\(method) \(outcome)") } }
        })
        let system = BridgeActorSystem()
        let counter = try await system.start(FileCounter.self, options: options)
        _ = try await counter.facts()
        await #expect(throws: CountingError.self) { try await counter.count(in: "/nonexistent-\(UUID())") }
        await system.shutdown()
        #expect(calls.withLock { $0 } == ["BridgeTests.FileCounter.facts() returned", "BridgeTests.FileCounter.count(in:) threw BridgeTests.CountingError"])
    }

    @Test func releasingTheSystemEndsItsHosts() async throws {
        var system: BridgeActorSystem? = BridgeActorSystem()
        let pid = try await {
            let counter = try await system!.start(FileCounter.self)
            return try await counter.facts().processID
        }()
        system = nil
        #expect(await eventually(within: .seconds(10)) { processIsGone(pid) })
    }
}

/// Start and stop hooks, and the issue's example as a user writes it.
@Suite struct DistributedLifecycleTests {
    @Test func startAndStopHooksRunInTheHost() async throws {
        let directory = try TemporaryDirectory()
        let system = BridgeActorSystem()
        let counter = try await system.start(HookedCounter.self, options: .init(workingDirectory: directory.path))
        #expect(try await counter.call())  // the start hook ran before the first call
        #expect(try await counter.call())
        await system.stop(counter)
        #expect(FileManager.default.fileExists(atPath: directory.path + "/stopped-after-2-calls"))
    }

    @Test func releasingTheSystemSkipsTheStopHook() async throws {
        let directory = try TemporaryDirectory()
        var system: BridgeActorSystem? = BridgeActorSystem()
        let pid = try await {
            let counter = try await system!.start(HookedCounter.self, options: .init(workingDirectory: directory.path))
            _ = try await counter.call()
            return try #require(system!.processID(of: counter))
        }()
        system = nil
        #expect(await eventually(within: .seconds(10)) { processIsGone(pid) })
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/stopped-after-1-calls"))
    }

    @Test(.enabled(if: geteuid() == 0 && getpwnam("nobody") != nil, "the example switches to nobody"))
    func theIssuesExampleRunsAsWritten() async throws {
        let directory = try TemporaryDirectory()
        for name in ["1", "2"] { #expect(FileManager.default.createFile(atPath: directory.path + "/" + name, contents: nil)) }
        #expect(chmod(directory.path, 0o755) == 0)

        let system = BridgeActorSystem()
        let indexer = try await system.start(Indexer.self, options: .init(user: "nobody"))
        let n = try await indexer.count(in: directory.path)
        await system.stop(indexer)
        await system.shutdown()
        #expect(n == 2)
    }
}

/// The module-wide default system, and options beyond user and directory.
@Suite struct DistributedOptionsTests {
    @Test func anActorThatNamesNoSystemRunsUnderTheModulesDefault() async throws {
        let system = BridgeActorSystem()
        let greeter = try await system.start(DefaultSystemGreeter.self)
        let pid = try #require(system.processID(of: greeter))
        #expect(try await greeter.greet("you") == "hello, you, from \(pid)")
        await system.shutdown()
    }

    @Test func aFrozenHostIsKilledByTheHangCheckAndItsCallsFail() async throws {
        let system = BridgeActorSystem()
        let counter = try await system.start(FileCounter.self, options: .init(hangTimeout: .milliseconds(300)))
        let pid = try #require(system.processID(of: counter))
        let pending = await RunningCall.start(on: counter, in: system)
        // A stopped process runs nothing, the thread that answers pings included.
        #expect(kill(pid, SIGSTOP) == 0)
        let error = await #expect(throws: BridgeError.self) { try await pending.task.value }
        #expect(error?.code == .hostExited)
        #expect(error?.termination == .signaled(SIGKILL))
        await system.shutdown()
    }
}
