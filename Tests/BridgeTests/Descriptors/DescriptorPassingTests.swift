import Bridge
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Records the files the host hands back, in the parent.
final class ReceivedFiles: DescriptorReceiver {
    let received = Locked<[(expected: String, found: String, closeOnExec: Bool)]>([])

    func receive(_ file: BridgeFileDescriptor, holding text: String) async throws {
        let found = try readAll(file.rawValue)
        let closeOnExec = fcntl(file.rawValue, F_GETFD) & FD_CLOEXEC != 0
        received.withLock { $0.append((text, found, closeOnExec)) }
    }

    func provide(holding text: String) async throws -> BridgeFileDescriptor {
        try makeMemoryFile(text)
    }
}

/// A pipe whose ends close with it.
final class TestPipe {
    let read: Int32
    let write: Int32
    private var writeOpen = true

    init() throws {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw DescriptorFailure.system(call: "pipe", errno: errno) }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        (read, write) = (ends[0], ends[1])
    }

    func closeWrite() {
        if writeOpen { close(write) }
        writeOpen = false
    }

    deinit {
        close(read)
        closeWrite()
    }
}

/// How many of this process's descriptors lead to the same file as `descriptor` (itself
/// included; both ends of a pipe lead to the same one).
func openDescriptors(like descriptor: Int32, in process: String = "self") -> Int {
    let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(descriptor)")) ?? "?"
    let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(process)/fd")) ?? []
    return names.filter { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(process)/fd/\($0)")) == target }.count
}

@Suite struct DescriptorPassingTests {
    @Test func aPipePassedToTheHostCarriesWhatItWrites() async throws {
        let pipe = try TestPipe()
        try await withBridge(LocalDescriptorWorker.self) { (worker) async throws in
            let written = try await worker.write("hello through a pipe", into: try BridgeFileDescriptor(duplicating: pipe.write))
            #expect(written == 20)
        }
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = read(pipe.read, &buffer, buffer.count)
        #expect(String(decoding: buffer[..<max(count, 0)], as: UTF8.self) == "hello through a pipe")
        // The parent's duplicate and the host's are gone: only the pipe's own ends are open.
        #expect(openDescriptors(like: pipe.write) == 2)
    }

    @Test func aMemfdReturnedFromTheHostReadsInTheParent() async throws {
        try await withBridge(LocalDescriptorWorker.self) { (worker) async throws in
            let file = try await worker.memoryFile(holding: "made in the host")
            #expect(try readAll(file.rawValue) == "made in the host")
            #expect(fcntl(file.rawValue, F_GETFD) & FD_CLOEXEC != 0)
            let taken = file.take()
            #expect(taken >= 0 && file.rawValue == -1 && file.take() == -1)
            #expect(try readAll(taken) == "made in the host")
            close(taken)
        }
    }

    @Test func twoHundredDescriptorsInOneCall() async throws {
        let count = 600  // more than two sendmsg's worth (SCM_MAX_FD is 253)
        let files = try (0..<count).map { try makeMemoryFile("file \($0)") }
        try await withBridge(LocalDescriptorWorker.self) { (worker) async throws in
            let contents = try await worker.contents(of: files)
            #expect(contents == (0..<count).map { "file \($0)" })
            let flags = try await worker.closeOnExec(Array(files[..<200]))
            #expect(flags == Array(repeating: true, count: 200))
        }
    }

    /// More descriptors than the host may have open: that call fails, saying why, and the
    /// bridge goes on (the host used to exit, and the parent to close the bridge).
    /// In one record (64), and in two, the first of which fits (a `sendmsg` carries 253).
    @Test(arguments: [(limit: 64, count: 100), (limit: 300, count: 400)])
    func descriptorsBeyondTheHostsLimitFailTheirCallAlone(limit: Int, count: Int) async throws {
        let files = try (0..<count).map { try makeMemoryFile("file \($0)") }
        let options = BridgeOptions(limits: .init(openFiles: limit))
        try await withBridge(LocalDescriptorWorker.self, options: options) { (worker) async throws in
            let error = await #expect(throws: BridgeError.self) { _ = try await worker.contents(of: files) }
            #expect(error?.code == .descriptorsNotSent, "\(String(describing: error))")
            #expect(error?.description.contains("limit of open descriptors") == true, "\(String(describing: error))")
            // The host took none of them: a call within its limit goes through.
            #expect(try await worker.contents(of: Array(files[..<10])) == (0..<10).map { "file \($0)" })
        }
    }

    @Test func aDescriptorInsideAStruct() async throws {
        let file = try makeMemoryFile("inside")
        try await withBridge(LocalDescriptorWorker.self) { (worker) async throws in
            #expect(try await worker.contents(of: LabeledDescriptor(label: "labeled", file: file)) == "labeled: inside")
        }
    }

    @Test func descriptorsAsStreamElements() async throws {
        try await withBridge(LocalDescriptorWorker.self) { (worker) async throws in
            var contents: [String] = []
            for try await file in try await worker.files(count: 20) { contents.append(try readAll(file.rawValue)) }
            #expect(contents == (0..<20).map(String.init))
        }
    }

    @Test func descriptorsAsCallbackArguments() async throws {
        let receiver = ReceivedFiles()
        try await withBridge(LocalDescriptorWorker.self) { (worker) async throws in
            #expect(try await worker.handBack(count: 5, to: receiver) == 5)
        }
        let received = receiver.received.withLock { $0 }
        #expect(received.map(\.found) == (0..<5).map(String.init))
        #expect(received.allSatisfy { $0.expected == $0.found && $0.closeOnExec })
    }

    @Test func aDescriptorAsACallbackResult() async throws {
        try await withBridge(LocalDescriptorWorker.self) { (worker) async throws in
            #expect(try await worker.ask(ReceivedFiles(), for: "made in the parent") == "made in the parent")
        }
    }

    @Test func encodingOneElsewhereThrowsAnEncodingError() throws {
        let file = try makeMemoryFile("")
        let error = #expect(throws: EncodingError.self) { _ = try JSONEncoder().encode(LabeledDescriptor(label: "x", file: file)) }
        #expect("\(String(describing: error))".contains("BridgeFileDescriptor"))
        #expect(throws: DecodingError.self) { _ = try JSONDecoder().decode(BridgeFileDescriptor.self, from: Data("1".utf8)) }
    }

    @Test func descriptorsInFlightWhenTheHostIsKilledLeakNothing() async throws {
        let pipe = try TestPipe()
        let bridge = try await Bridge<LocalDescriptorWorker>.start()
        let client = bridge.client
        let write = pipe.write
        // The first call holds the host; the others wait, with their descriptors, in its socket.
        let calls = (0..<4).map { _ in
            Task {
                let files = try (0..<50).map { _ in try BridgeFileDescriptor(duplicating: write) }
                try await client.hold(files)
            }
        }
        // Killed once the host holds the first call's 50 (the other calls are then on their way).
        #expect(await eventually(within: .seconds(20)) { openDescriptors(like: write, in: "\(bridge.processID)") >= 50 })
        kill(bridge.processID, SIGKILL)
        for call in calls {
            let result = await call.result
            #expect(throws: BridgeError.self) { try result.get() }
        }
        await bridge.stop()
        #expect(bridge.termination != nil)
        // Only the pipe's own ends remain in the parent ...
        #expect(await eventually(within: .seconds(10)) { openDescriptors(like: write) == 2 })
        // ... and nobody, in flight or in another process, holds the write end: closing ours
        // ends the pipe.
        pipe.closeWrite()
        var pollEntry = pollfd(fd: pipe.read, events: Int16(POLLIN), revents: 0)
        #expect(poll(&pollEntry, 1, 10_000) == 1)
        var byte: UInt8 = 0
        #expect(read(pipe.read, &byte, 1) == 0)
    }

    /// A host that takes nothing (stopped) leaves no room on the descriptor channel: a call
    /// then gives up sending its descriptor at its time limit, fails saying so and is not sent,
    /// and the bridge goes on once the host does.
    @Test func aCallWhoseDescriptorsFindNoRoomFailsUnsentAndTheBridgeGoesOn() async throws {
        var options = BridgeOptions()
        options.callTimeout = .milliseconds(200)
        let bridge = try await Bridge<LocalDescriptorWorker>.start(options)
        let client = bridge.client
        let file = try makeMemoryFile("x")
        kill(bridge.processID, SIGSTOP)
        var unsent: BridgeError?
        var rounds = 0
        while unsent == nil && rounds < 40 {
            rounds += 1
            // Many at once: the bridge socket takes their frames in few writes, the descriptor
            // channel takes a record for each.
            unsent = await withTaskGroup(of: BridgeError?.self) { group in
                for _ in 0..<100 {
                    group.addTask {
                        do {
                            _ = try await client.closeOnExec([file])
                            return nil
                        } catch let error as BridgeError where error.code == .descriptorsNotSent {
                            return error
                        } catch {
                            return nil
                        }
                    }
                }
                var first: BridgeError?
                for await error in group where first == nil { first = error }
                return first
            }
        }
        kill(bridge.processID, SIGCONT)
        #expect(unsent?.message.contains("ETIMEDOUT") == true, "\(String(describing: unsent)) after \(rounds) rounds")
        #expect(unsent?.method?.hasPrefix("closeOnExec") == true)
        // The host works through the calls that waited (each abandoned by now); then this one,
        // which may time out while it does, gets its answer.
        var answered = false
        for _ in 0..<150 where !answered {
            answered = (try? await client.closeOnExec([file])) == [true]
        }
        #expect(answered)
        await bridge.stop()
    }
}
