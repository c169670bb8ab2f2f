import Bridge
import Foundation
import Testing

@Suite struct HostProcessTests {
    @Test func hostSeesNoBridgeVariableAndNoParentDescriptors() async throws {
        // A descriptor without close-on-exec, as careless code in a parent leaves them.
        let directory = try TemporaryDirectory()
        let leakedPath = directory.path + "/leaked"
        let leaked = open(leakedPath, O_CREAT | O_RDWR, 0o600)
        defer { close(leaked) }
        #expect(leaked >= 0)
        let facts = try await withBridge(LocalSandbox.self) { try await $0.facts() }
        #expect(facts.bridgeVariable == nil)
        #expect(!facts.openDescriptors.values.contains(leakedPath))
        #expect(facts.openDescriptors[3]?.hasPrefix("socket:") == true, "descriptor 3 is the bridge")
        #expect(facts.openDescriptors[0] == "/dev/null", "the host does not read the parent's input")
    }

    @Test func theBridgeSocketsHaveNoNameAnotherProcessCouldConnectTo() async throws {
        try await withBridge(LocalSandbox.self) { sandbox in
            let host = try await sandbox.facts().processID
            // Read from outside the host: its sockets, by descriptor.
            let sockets = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(host)/fd").compactMap { name -> (Int32, String)? in
                let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(host)/fd/\(name)")
                guard let target, target.hasPrefix("socket:[") else { return nil }
                return (Int32(name)!, String(target.dropFirst("socket:[".count).dropLast()))
            }
            #expect(sockets.map(\.0).sorted() == [3, 4, 5], "the bridge, its side channel and its descriptor channel are the host's only sockets")
            // Both ends unnamed, neither a path nor an abstract name: only the family is returned.
            let unnamed = UInt32(MemoryLayout<sa_family_t>.size)
            for (descriptor, inode) in sockets {
                #expect(try await sandbox.addressLengths(of: descriptor) == [unnamed, unnamed], "socket \(inode) has a name")
            }
        }
    }

    @Test func hostExitMidCallFailsTheCallWithItsStatus() async throws {
        let bridge = try await Bridge<LocalSandbox>.start()
        await #expect(throws: BridgeError.hostExited(processID: bridge.processID, termination: .exited(3), method: "exit(status:Int32) async throws")) {
            try await bridge.client.exit(status: 3)
        }
        #expect(bridge.termination == .exited(3))
        // Later calls fail at once, naming the same end, and saying they were not sent.
        await #expect(throws: BridgeError.hostExited(processID: bridge.processID, termination: .exited(3), method: "add(_:Int,_:Int) async throws -> Int", waiting: false)) {
            try await bridge.client.add(1, 2)
        }
        await bridge.stop()
    }

    @Test func hostKilledMidCallFailsEveryPendingCallWithTheSignal() async throws {
        let bridge = try await Bridge<LocalSandbox>.start()
        let client = bridge.client
        // Several calls waiting on a host that never answers, then SIGKILL.
        let waiting = (0..<4).map { _ in Task { try await client.hang() } }
        let blocking = Task.detached { try client.run(["x"]) }
        kill(bridge.processID, SIGKILL)
        // How fast is a benchmark's question (a timed test fails when the suite loads the
        // machine); here: every call fails, none hangs, each names the signal. (A task that
        // calls only after the host died says its call was not sent, and is otherwise alike.)
        for task in waiting {
            let error = await #expect(throws: BridgeError.self) { try await task.value }
            #expect(error?.code == .hostExited && error?.processID == bridge.processID, "\(String(describing: error))")
            #expect(error?.termination == .signaled(SIGKILL) && error?.method == "hang() async throws", "\(String(describing: error))")
        }
        await #expect(throws: BridgeError.self) { try await blocking.value }
        #expect(bridge.termination == .signaled(SIGKILL))
        await bridge.stop()
    }

    @Test func hostCrashMidCallReportsTheSignal() async throws {
        let bridge = try await Bridge<LocalSandbox>.start()
        let error = await #expect(throws: BridgeError.self) { try await bridge.client.raise(signal: SIGKILL) }
        #expect(error == .hostExited(processID: bridge.processID, termination: .signaled(SIGKILL), method: "raise(signal:Int32) async throws"))
        #expect(error?.description.contains("SIGKILL") == true)
        await bridge.stop()
    }

    @Test func releasingTheBridgeEndsTheHost() async throws {
        var bridge: Bridge<LocalSandbox>? = try await Bridge<LocalSandbox>.start()
        let pid = bridge!.processID
        #expect(try await bridge!.client.add(1, 2) == 3)
        bridge = nil
        #expect(await eventually(within: .seconds(5)) { processIsGone(pid) })
    }

    @Test func releasingTheBridgeEndsAHostStillBusyWithAnAbandonedCall() async throws {
        var bridge: Bridge<LocalMirror>? = try await Bridge<LocalMirror>.start(.init(callTimeout: .milliseconds(200)))
        let pid = bridge!.processID
        // The host sleeps inside the call for 30 s; the caller gives up after 0.2 s, and with
        // no call in flight nobody reads the socket.
        let client = bridge!.client
        let outcome = await onOwnThread { () -> String in
            do {
                return try client.echoBlocking("late", afterMilliseconds: 30_000)
            } catch {
                return "\(error)"
            }
        }
        #expect(outcome.contains("got no reply within"), "\(outcome)")
        bridge = nil
        // The host reads its socket's end only after the call: the parent kills a host that has
        // not exited a second after the end, and reaps it.
        #expect(await eventually(within: .seconds(10)) { processIsGone(pid) })
    }

    @Test(arguments: [false, true])
    func hostDiesWithItsParent(frozen: Bool) async throws {
        // The parent is itself a host, so that the test can kill it.
        let parent = try await Bridge<LocalSandbox>.start()
        let grandchild = try await parent.client.startNestedHost(frozen: frozen)
        #expect(!processIsGone(grandchild))
        kill(parent.processID, SIGKILL)
        // Running, it sees its socket close; frozen, only the parent-death signal can end it.
        #expect(await eventually(within: .seconds(1)) { processIsGone(grandchild) })
        await parent.stop()
    }
}
