import Bridge
import Distributed
import Foundation
import Greeting

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What every program shape of the deployment matrix checks, the way a user's program would
/// use a bridge: a host started from this binary serves calls, one runs as `nobody` when asked,
/// a dedicated host executable (next to this binary) serves the same type, a distributed actor
/// runs in a host and calls back, and each stops cleanly. `IntegrationTests/run.sh` starts the shapes in every build mode and placement.
public enum Probe {
    /// Runs every check; prints one line per check and returns whether all passed.
    public static func run(shape: String) async -> Bool {
        var failures = 0
        func check(_ name: String, _ body: () async throws -> String) async {
            do {
                let detail = try await body()
                print("ok: \(shape): \(name): \(detail)")
            } catch {
                failures += 1
                print("FAILED: \(shape): \(name): \(error)")
            }
        }
        await check("self-host") { try await serve(BridgeOptions()) }
        await check("8 tasks calling at once") { try await callAtOnce() }
        await check("48 tasks sending 60 KiB at once") { try await sendLargeBatches() }
        await check("concurrent calls within half a second") { try await callConcurrentHost() }
        await check("a stream within half a second") { try await receiveStream() }
        if getuid() == 0 {
            await check("self-host as nobody") {
                try await serve(BridgeOptions(user: "nobody"), expectUser: userID(of: "nobody"))
            }
        }
        #if os(Linux)
        if getuid() == 0 {
            // The namespaces and no-new-privileges are made by the host's C entry, before the
            // binary's other initializers (in a static binary, the Swift runtime's).
            await check("self-host walled in") {
                let options = BridgeOptions(
                    user: "nobody", limits: BridgeLimits(cpuTime: .seconds(60), coreDumps: false),
                    network: .none, filesystem: .readOnly(writable: []))
                return try await serve(options, expectUser: userID(of: "nobody"))
            }
        }
        #endif
        await check("self-host under a fileSize limit, logging to a file") { try await logUnderFileSizeLimit() }
        await check("self-host from a reserve") {
            // A host launched ahead of time, then handed its real type and options.
            let asNobody = getuid() == 0
            let reserve = try await BridgeReserve.start(hosts: 1, options: asNobody ? BridgeOptions(user: "nobody") : BridgeOptions())
            do {
                let served = try await serve(
                    try await Bridge<LocalGreeter>.start(from: reserve), expectUser: asNobody ? userID(of: "nobody") : nil)
                await reserve.stop()
                return served
            } catch {
                await reserve.stop()
                throw error
            }
        }
        await check("host executable") { try await serve(BridgeOptions(executable: "greeter-host")) }
        if getuid() == 0 {
            await check("host executable as nobody") {
                try await serve(BridgeOptions(user: "nobody", executable: "greeter-host"), expectUser: userID(of: "nobody"))
            }
        }
        await check("distributed actor host") { try await serveActor(asNobody: getuid() == 0) }
        return failures == 0
    }

    /// Eight tasks call one host at once, 250 times each, each checking that its answers are
    /// its own. In a process on one CPU (run.sh also runs the probe under `taskset -c 0`)
    /// their calls go out in batches that one of them reads for all.
    private static func callAtOnce() async throws -> String {
        let wrong = try await greetAtOnce(tasks: 8, rounds: 250) { task, call in "task \(task), call \(call)" }
        try expect(wrong == 0, "\(wrong) of 2000 answers were not their caller's")
        return "2000 answers, each its caller's"
    }

    /// Forty-eight tasks send names of 60 KiB at once, 20 times each. On one CPU their calls go
    /// out in batches (calls of less than 64 KiB), here of up to 2.8 MiB, more than the host
    /// takes in while it waits for room for its replies: the task that writes a batch must
    /// read while it waits for room. Were it not to, both sides would wait until the calls'
    /// time limit.
    private static func sendLargeBatches() async throws -> String {
        let wrong = try await greetAtOnce(tasks: 48, rounds: 20, options: BridgeOptions(callTimeout: .seconds(30))) { task, _ in
            String(repeating: Character(UnicodeScalar(UInt8(65 + task % 26))), count: 60 << 10)
        }
        try expect(wrong == 0, "\(wrong) of 960 answers were not their caller's")
        return "960 answers of 60 KiB"
    }

    /// `tasks` tasks greet one host at once, `rounds` times each, with the names `name(task,
    /// round)`, each checking that the answers are its own.
    /// - Returns: How many answers were not their caller's.
    private static func greetAtOnce(
        tasks: Int, rounds: Int, options: BridgeOptions = BridgeOptions(), name: @escaping @Sendable (Int, Int) -> String
    ) async throws -> Int {
        try await withBridge(LocalGreeter.self, options: options) { client in
            let hostID = try client.processID()
            return try await withThrowingTaskGroup(of: Int.self) { group in
                for task in 0..<tasks {
                    group.addTask {
                        var wrong = 0
                        for round in 0..<rounds {
                            let name = name(task, round)
                            if try await client.greet(name) != "Hello, \(name), from process \(hostID)" { wrong += 1 }
                        }
                        return wrong
                    }
                }
                return try await group.reduce(0, +)
            }
        }
    }

    /// A host whose calls run concurrently answers each call well within a `callTimeout` of
    /// half a second. Its serving loop waits for frames on a thread of its own: a host started
    /// by a process on one CPU (run.sh runs the probe under `taskset -c 0` too) has a
    /// concurrency pool of one thread, and a loop holding it left the calls' tasks waiting
    /// about a second for the runtime to add one.
    private static func callConcurrentHost() async throws -> String {
        try await withBridge(ConcurrentGreeter.self, options: BridgeOptions(callTimeout: .milliseconds(500))) { client in
            let hostID = try client.processID()
            for call in 0..<20 {
                let answer = try await client.greet("call \(call)")
                try expect(answer == "Hello, call \(call), from process \(hostID)", "call \(call) was answered '\(answer)'")
            }
            return "20 answers"
        }
    }

    /// A host that serves its calls in turn streams five greetings well within half a second.
    /// The stream's producer is a task on the host's concurrency pool, which the serving loop,
    /// waiting for frames on a thread of its own, leaves free: a host started by a process on
    /// one CPU (run.sh runs the probe under `taskset -c 0` too) has a pool of one thread, and a
    /// loop holding it left the producer waiting about a second for the runtime to add one.
    private static func receiveStream() async throws -> String {
        try await withBridge(LocalGreeter.self, options: BridgeOptions(callTimeout: .milliseconds(500))) { client in
            let start = ContinuousClock.now
            var received: [String] = []
            for try await greeting in try await client.greetings(count: 5) { received.append(greeting) }
            let elapsed = ContinuousClock.now - start
            try expect(received == (1...5).map { "Hello, \($0)" }, "the stream brought \(received)")
            try expect(elapsed < .milliseconds(500), "the stream took \(elapsed)")
            return "5 greetings in \(elapsed)"
        }
    }

    /// Starts a distributed actor in a host (as `nobody` when root), calls it (the first call
    /// to each function runs through the runtime, the later ones through the generated table)
    /// and lets it call an actor of this process back.
    private static func serveActor(asNobody: Bool) async throws -> String {
        let system = BridgeActorSystem()
        do {
            let counter = try await system.start(HostCounter.self, options: asNobody ? BridgeOptions(user: "nobody") : BridgeOptions())
            var total = 0
            for amount in 1...3 { total = try await counter.add(amount) }
            try expect(total == 6, "the host's total is \(total), not 6")
            let facts = try await counter.facts()
            let ownID = UInt32(ProcessInfo.processInfo.processIdentifier)
            try expect(facts.count == 2 && facts[0] != ownID, "the actor reports \(facts); this process is \(ownID)")
            let user = asNobody ? try userID(of: "nobody") : getuid()
            try expect(facts[1] == user, "the actor runs as user \(facts[1]), not \(user)")
            let listener = Listener(actorSystem: system)
            let counted = try await counter.count(to: 3, tellingEachTo: listener)
            let heard = await listener.whenLocal { $0.numbers } ?? []
            try expect(counted == 3 && heard == [1, 2, 3], "the host counted \(counted) and this process heard \(heard)")
            await system.shutdown()
            return "pid \(facts[0]), uid \(facts[1])"
        } catch {
            await system.shutdown()
            throw error
        }
    }

    /// A host limited to files of 0 bytes logs a line while this process's standard error is a
    /// regular file, as with `2>log`, `nohup` or a service's log file: the host must not be
    /// killed with `SIGXFSZ` for it, and the line must reach the file.
    private static func logUnderFileSizeLimit() async throws -> String {
        let path = NSTemporaryDirectory() + "/bridge-probe-log-\(getpid())"
        let file = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o644)
        try expect(file >= 0, "could not create \(path): errno \(errno)")
        fflush(nil)
        let saved = dup(2)
        dup2(file, 2)
        close(file)
        var restored = false
        func restoreStandardError() {
            guard !restored else { return }
            fflush(nil)
            dup2(saved, 2)
            close(saved)
            restored = true
        }
        defer {
            restoreStandardError()
            unlink(path)
        }
        let bridge = try await Bridge<LocalGreeter>.start(BridgeOptions(limits: BridgeLimits(fileSize: 0)))
        let line = "logged by the host, pid \(bridge.processID)"
        do {
            try await bridge.client.log(line)
        } catch {
            await bridge.stop()
            throw error
        }
        await bridge.stop()
        restoreStandardError()
        try expect(bridge.termination == .exited(0), "the host ended with \(String(describing: bridge.termination)), not a clean exit")
        // Standard error is this process's, so in a test binary a test that ended meanwhile
        // reported into the file too (Swift Testing writes its events there, seen in CI): the
        // host's line must be in it once, and the others' lines go back to standard error.
        let logged = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        let lines = logged.split(separator: "\n").map(String.init)
        let others = lines.filter { $0 != line }
        if !others.isEmpty { FileHandle.standardError.write(Data((others.joined(separator: "\n") + "\n").utf8)) }
        try expect(lines.count - others.count == 1, "the log file holds '\(logged)', not the host's line once")
        return "the line reached the file"
    }

    /// Starts a host, calls it, stops it, and checks each step.
    private static func serve(_ options: BridgeOptions, expectUser: UInt32? = nil) async throws -> String {
        try await serve(try await Bridge<LocalGreeter>.start(options), expectUser: expectUser)
    }

    private static func serve(_ bridge: Bridge<LocalGreeter>, expectUser: UInt32?) async throws -> String {
        let ownID = ProcessInfo.processInfo.processIdentifier
        let hostID = try bridge.client.processID()
        try expect(hostID == bridge.processID && hostID != ownID, "the host reports pid \(hostID); the bridge says \(bridge.processID), this process is \(ownID)")
        let greeting = try await bridge.client.greet("probe")
        try expect(greeting == "Hello, probe, from process \(hostID)", "unexpected greeting '\(greeting)'")
        let users = try await bridge.client.userIDs()
        if let expectUser {
            try expect(users == [expectUser, expectUser], "the host runs as \(users), not as \(expectUser)")
        } else {
            try expect(users == [getuid(), geteuid()], "the host runs as \(users), not as this process's user")
        }
        try await expectGreeting(through: bridge.client, from: hostID)
        try await expectRefusal(from: bridge.client)
        await bridge.stop()
        try expect(bridge.termination == .exited(0), "the host ended with \(String(describing: bridge.termination)), not a clean exit")
        return "pid \(hostID), uid \(users[0]), \(bridge.termination!)"
    }

    /// A `Codable` error of another module, thrown in the host, arrives as itself.
    private static func expectRefusal(from client: LocalGreeter.BridgeClient) async throws {
        do {
            try await client.refuse("probe")
            try expect(false, "refuse(_:) returned instead of throwing")
        } catch let refused as GreetingRefused {
            try expect(refused == GreetingRefused(name: "probe"), "the host's error arrived as \(refused)")
        } catch let error as ProbeFailure {
            throw error
        } catch {
            try expect(false, "the host's GreetingRefused arrived as \(error), not as itself")
        }
    }

    /// Passes the host a pipe's writing end (`SCM_RIGHTS` on the bridge's descriptor channel)
    /// and reads what the host wrote into it.
    private static func expectGreeting(through client: LocalGreeter.BridgeClient, from hostID: Int32) async throws {
        var ends: [Int32] = [-1, -1]
        try expect(pipe(&ends) == 0, "pipe failed: errno \(errno)")
        defer { ends.forEach { close($0) } }
        let written = try await client.greet("pipe", into: try BridgeFileDescriptor(duplicating: ends[1]))
        var bytes = [UInt8](repeating: 0, count: 256)
        let count = read(ends[0], &bytes, bytes.count)
        let text = String(decoding: bytes.prefix(max(count, 0)), as: UTF8.self)
        try expect(written == count && text == "Hello, pipe, from process \(hostID)", "the host wrote \(written) bytes into the pipe passed to it; read '\(text)'")
    }

    private static func userID(of name: String) throws -> UInt32 {
        guard let entry = getpwnam(name) else { throw ProbeFailure("there is no user '\(name)'") }
        return entry.pointee.pw_uid
    }

    private static func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw ProbeFailure(message()) }
    }

    /// Exits with the probe's verdict, after flushing what it printed.
    public static func finish(_ passed: Bool) -> Never {
        fflush(nil)
        exit(passed ? 0 : 1)
    }

    /// Blocks until a line arrives on standard input, when the first argument asks for it, so
    /// that run.sh can rename or delete this binary while it runs, before any host starts.
    public static func waitForGoIfAsked() {
        guard CommandLine.arguments.dropFirst().contains("--wait-for-go") else { return }
        print("waiting")
        fflush(nil)
        _ = readLine()
    }
}

struct ProbeFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
