import Bridge
import Distributed
import Foundation

/// An error that crosses processes as itself.
enum CountingError: Error, Codable, Equatable {
    case noSuchDirectory(String)
}

/// An error that is not `Codable`: it arrives as a `BridgeError` with its type and description.
struct OpaqueCountingFailure: Error, CustomStringConvertible {
    var description: String { "the disk said no" }
}

/// What a host reports about itself.
struct ActorHostFacts: Codable, Equatable {
    var processID: Int32
    var userID: UInt32
    var workingDirectory: String
}

/// The actor the tests start in hosts.
distributed actor FileCounter {
    typealias ActorSystem = BridgeActorSystem

    /// Regular files directly in `directory`.
    distributed func count(in directory: String) throws -> Int {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw CountingError.noSuchDirectory(directory)
        }
        return names.filter { name in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: directory + "/" + name, isDirectory: &isDirectory) && !isDirectory.boolValue
        }.count
    }

    distributed func facts() -> ActorHostFacts {
        ActorHostFacts(processID: getpid(), userID: getuid(), workingDirectory: FileManager.default.currentDirectoryPath)
    }

    distributed func failOpaquely() throws -> Int { throw OpaqueCountingFailure() }

    /// Opens `started`, then waits to be cancelled; then opens `cancelled` and rethrows.
    distributed func waitUntilCancelled(started: Latch, cancelled: Latch) async throws {
        try await started.open()
        do {
            try await Task.sleep(for: .seconds(600))  // the work being cancelled, not a synchronization
        } catch {
            // From a task of its own: a call from this cancelled task would be refused at once.
            try await Task { try await cancelled.open() }.value
            throw error
        }
    }

    /// Reports `steps` steps to an actor of the caller (a callback), then returns their sum.
    distributed func count(steps: Int, reportingTo sink: ProgressSink) async throws -> Int {
        for step in 1...steps { try await sink.report(step) }
        return (1...steps).reduce(0, +)
    }

    /// Returns the actor it was given, which goes back to where it came from.
    distributed func echo(_ latch: Latch) -> Latch { latch }

    /// The tallies made here: an actor lives as long as its own process holds it.
    private var tallies: [HostTally] = []

    /// A new actor that lives in this host, for the caller to call.
    distributed func makeTally() -> HostTally {
        let tally = HostTally(actorSystem: actorSystem)
        tallies.append(tally)
        return tally
    }

    /// Asks another host's counter to count, through the parent.
    distributed func askPeer(_ peer: FileCounter, toCount directory: String) async throws -> [Int] {
        [Int(try await peer.facts().processID), try await peer.count(in: directory)]
    }

    /// Reads what the open file it was given holds.
    distributed func read(_ file: BridgeFileDescriptor) -> String {
        let handle = FileHandle(fileDescriptor: file.take(), closeOnDealloc: true)
        return String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
    }

    /// Opens `path` here (as this host's user) and hands the open file out.
    distributed func open(_ path: String) throws -> BridgeFileDescriptor {
        let descriptor = Foundation.open(path, O_RDONLY)
        guard descriptor >= 0 else { throw CountingError.noSuchDirectory(path) }
        defer { close(descriptor) }
        return try BridgeFileDescriptor(duplicating: descriptor)
    }

    /// Passes an open file on to another host's counter, through the parent.
    distributed func askPeer(_ peer: FileCounter, toRead file: BridgeFileDescriptor) async throws -> String {
        try await peer.read(file)
    }

    /// A call that keeps another call's arguments alive in this host, to see them go.
    distributed func tallies(_ tally: HostTally, times: Int) async throws -> Int {
        var last = 0
        for _ in 0..<times { last = try await tally.add(1) }
        return last
    }

    /// Resolves `id` as a `HostTally`, whatever actor it names, and adds 1 through it: what a
    /// host that gets a type wrong, or lies, sends its parent.
    distributed func addThroughTally(resolving id: BridgeActorSystem.ActorID) async throws -> Int {
        try await HostTally.resolve(id: id, using: actorSystem).add(1)
    }
}

/// An actor created inside a host and handed out.
distributed actor HostTally {
    typealias ActorSystem = BridgeActorSystem
    private var total = 0

    distributed func add(_ amount: Int) -> Int {
        total += amount
        return total
    }

    distributed func hostProcessID() -> Int32 { getpid() }
}

/// Opened once, from any process; awaited in the process it lives in.
distributed actor Latch {
    typealias ActorSystem = BridgeActorSystem
    private let opened = OneShotValue<Void>()

    distributed func open() { opened.set(()) }

    func waitUntilOpen() async { await opened.value() }
}

/// Collects progress reports from hosts.
distributed actor ProgressSink {
    typealias ActorSystem = BridgeActorSystem
    private(set) var reports: [Int] = []

    distributed func report(_ step: Int) { reports.append(step) }
}

/// An actor whose initializer takes more than the system: no host can create it, and the
/// generator gives it no `BridgeActorHostable` conformance.
distributed actor NamedCounter {
    typealias ActorSystem = BridgeActorSystem
    let name: String

    init(name: String, actorSystem: BridgeActorSystem) {
        self.name = name
        self.actorSystem = actorSystem
    }

    distributed func greet() -> String { name }
}

/// Initializers that look like `init(actorSystem:)` and are not the protocol's requirement: the
/// generator must not conform these actors (this target would not compile), and no host can
/// create them.
distributed actor ScaledByDefault {
    typealias ActorSystem = BridgeActorSystem
    let factor: Int

    init(actorSystem: ActorSystem, factor: Int = 3) {
        self.actorSystem = actorSystem
        self.factor = factor
    }

    distributed func scale(_ value: Int) -> Int { value * factor }
}

/// See `ScaledByDefault`.
distributed actor ThrowingStart {
    typealias ActorSystem = BridgeActorSystem

    init(actorSystem: ActorSystem) throws {
        self.actorSystem = actorSystem
    }
}

/// See `ScaledByDefault`.
distributed actor WaitingStart {
    typealias ActorSystem = BridgeActorSystem

    init(actorSystem: ActorSystem) async {
        self.actorSystem = actorSystem
    }
}

/// The same code under any `Codable` actor system: the tests run it under
/// `LocalTestingDistributedActorSystem` and under `BridgeActorSystem`.
distributed actor WordStatistics<System: DistributedActorSystem<any Codable>> {
    typealias ActorSystem = System

    distributed func wordCount(_ text: String) -> Int {
        text.split(whereSeparator: \.isWhitespace).count
    }

    distributed func frequencies(_ text: String) -> [String: Int] {
        text.lowercased().split(whereSeparator: \.isWhitespace).reduce(into: [:]) { $0[String($1), default: 0] += 1 }
    }

    distributed func longestWord(_ text: String) throws -> String {
        guard let longest = text.split(whereSeparator: \.isWhitespace).max(by: { $0.count < $1.count }) else {
            throw CountingError.noSuchDirectory("")
        }
        return String(longest)
    }
}

/// Creates the file its start hook names in its working directory, and another at its stop hook.
distributed actor HookedCounter: BridgeActorLifecycle {
    typealias ActorSystem = BridgeActorSystem
    private var calls = 0

    func bridgeDidStart() async throws {
        _ = FileManager.default.createFile(atPath: "started", contents: nil)
    }

    func bridgeWillStop() async {
        _ = FileManager.default.createFile(atPath: "stopped-after-\(calls)-calls", contents: nil)
    }

    distributed func call() -> Bool {
        calls += 1
        return FileManager.default.fileExists(atPath: "started")
    }
}

/// The example, as written.
distributed actor Indexer {
    typealias ActorSystem = BridgeActorSystem
    distributed func count(in directory: String) async throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: directory).count
    }
}

/// A call to `FileCounter.waitUntilCancelled` that its host is running: it runs until it is
/// cancelled (then it opens `cancelled`), or its host ends.
struct RunningCall {
    let task: Task<Void, any Error>
    /// Opened by the host when the call saw its cancellation.
    let cancelled: Latch

    /// Makes the call and returns once the host runs it.
    static func start(on counter: FileCounter, in system: BridgeActorSystem) async -> RunningCall {
        let started = Latch(actorSystem: system)
        let cancelled = Latch(actorSystem: system)
        let task = Task { try await counter.waitUntilCancelled(started: started, cancelled: cancelled) }
        await started.whenLocal { await $0.waitUntilOpen() }
        return RunningCall(task: task, cancelled: cancelled)
    }

    /// Waits until the host saw the call's cancellation.
    func waitUntilTheHostSawTheCancel() async {
        await cancelled.whenLocal { await $0.waitUntilOpen() }
    }
}

/// Overloads that share a name: the host tells their calls apart by their types.
distributed actor Overloads {
    typealias ActorSystem = BridgeActorSystem

    distributed func describe(_ value: Int) -> String { "an Int, \(value)" }
    distributed func describe(_ value: String) -> String { "a String, \(value)" }
    distributed func describe(_ value: Int, _ other: Int) -> String { "two Ints, \(value + other)" }
    distributed func one() -> Int { 1 }
    distributed func one() -> String { "one" }
}

/// A call that suspends until another call lets it go.
distributed actor ReleaseGate {
    typealias ActorSystem = BridgeActorSystem
    private let released = OneShotValue<Int>()

    /// Opens `started`, then returns what `release` passes, once it has.
    distributed func waitUntilReleased(started: Latch) async throws -> Int {
        try await started.open()
        return await released.value()
    }

    distributed func release(with value: Int) { released.set(value) }
}

/// Calls an actor of the parent that calls it back while its first call waits.
distributed actor Pinger {
    typealias ActorSystem = BridgeActorSystem

    distributed func ping(via relay: Relay) async throws -> Int { try await relay.bounce(self) }
    distributed func pong() -> Int { 42 }
}

/// An actor of the parent that calls a host's actor back.
distributed actor Relay {
    typealias ActorSystem = BridgeActorSystem

    distributed func bounce(_ pinger: Pinger) async throws -> Int { try await pinger.pong() }
}
