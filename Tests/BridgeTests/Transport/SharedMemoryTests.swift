@testable import Bridge
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The same conversations over both transports: shared memory (the default where the system
/// has it) and the socket alone (what a system without it gets). The rest of the suite runs
/// with the default.
@Suite struct SharedMemoryTests {
    private func options(sharedMemory: Bool) -> BridgeOptions {
        var options = BridgeOptions()
        options.usesSharedMemory = sharedMemory
        options.callTimeout = .seconds(60)
        return options
    }

    /// Messages larger than a ring (1 MiB) go through it in parts, both ways, while the
    /// other side reads them: the writer waits for room, the reader for bytes.
    @Test(arguments: [true, false])
    func messagesLargerThanTheRingComeWhole(sharedMemory: Bool) async throws {
        let bridge = try await Bridge<Echoer>.start(options(sharedMemory: sharedMemory))
        for size in [0, 1, 4095, SharedMemoryChannel.ringCapacity - 9, SharedMemoryChannel.ringCapacity, 3 << 20] {
            let data = patternedData(count: size, seed: size)
            #expect(try await bridge.client.echoData(data) == data, "\(size) bytes")
        }
        await bridge.stop()
        #expect(bridge.termination == .exited(0))
    }

    /// Many calls at once from many tasks, each with its own answer: the rings keep every
    /// frame whole and in order whatever the interleaving of writers and readers.
    @Test(arguments: [true, false])
    func concurrentCallsEachGetTheirOwnAnswer(sharedMemory: Bool) async throws {
        let bridge = try await Bridge<Echoer>.start(options(sharedMemory: sharedMemory))
        let client = bridge.client
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<16 {
                group.addTask {
                    for call in 0..<200 {
                        let text = String(repeating: "\(task).\(call) ", count: call % 50 + 1)
                        let answer = try await client.echoText(text)
                        #expect(answer == text)
                    }
                }
            }
            try await group.waitForAll()
        }
        await bridge.stop()
    }

    /// The host maps the memory (and keeps no descriptor for it) only when the bridge has it.
    @Test(arguments: [true, false])
    func theHostMapsTheRingsOnlyWhenAsked(sharedMemory: Bool) async throws {
        let bridge = try await Bridge<Echoer>.start(options(sharedMemory: sharedMemory))
        _ = try await bridge.client.echoText("ready")
        let maps = (try? String(decoding: FileHandle(forReadingAtPath: "/proc/\(bridge.processID)/maps")!.readToEnd() ?? Data(), as: UTF8.self)) ?? ""
        #expect(maps.contains("memfd:swift-process-bridge") == sharedMemory, "\(maps.count) bytes of maps")
        let descriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(bridge.processID)/fd").compactMap {
            try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(bridge.processID)/fd/\($0)")
        }
        #expect(!descriptors.isEmpty)
        #expect(!descriptors.contains { $0.contains("memfd:") }, "the shared memory's descriptor stays open in the host: \(descriptors)")
        await bridge.stop()
    }

    /// A ring's positions, checked on both sides: a reader refuses a writer's position more
    /// than the ring holds ahead of its own, a writer a reader's position ahead of its own.
    @Test func positionsNoWriterOrReaderCouldReachAreRefused() throws {
        let capacity = 4096
        try withRing(capacity: capacity) { memory, reader, writer in
            // Round the ring several times, in odd sizes, and read back each byte.
            var sent: UInt8 = 0
            var received: UInt8 = 0
            var buffer = [UInt8](repeating: 0, count: 1000)
            for round in 0..<50 {
                let bytes = (0..<(round * 37 % 997 + 1)).map { _ in sent &+= 1; return sent }
                let written = try bytes.withUnsafeBytes { try writer.write($0).count }
                #expect(written == bytes.count)
                var left = written
                while left > 0 {
                    let count = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
                    for byte in buffer.prefix(count) {
                        received &+= 1
                        #expect(byte == received)
                    }
                    left -= count
                }
            }
            #expect(try writer.room() == capacity)
            // A writer's position far ahead of the reader's.
            let tail = memory.load(fromByteOffset: SharedRing.tailOffset, as: UInt64.self)
            memory.storeBytes(of: tail &+ UInt64(capacity + 1), toByteOffset: SharedRing.tailOffset, as: UInt64.self)
            #expect(throws: SharedRing.Corrupt.self) { try reader.available() }
            // A reader's position ahead of the writer's.
            memory.storeBytes(of: tail &+ 1, toByteOffset: SharedRing.headOffset, as: UInt64.self)
            #expect(throws: SharedRing.Corrupt.self) { try writer.room() }
        }
    }

    /// While the reader runs on another CPU the writer keeps at most a window unread
    /// (`SharedMemoryChannel.streamingWindow`): a write with a limit stops there, and room
    /// within the limit grows as the reader takes bytes.
    @Test func aWriteWithALimitLeavesAtMostThatMuchUnread() throws {
        let capacity = 4096
        try withRing(capacity: capacity) { (_, reader, writer) throws in
            let bytes = [UInt8](repeating: 7, count: 3000)
            #expect(try bytes.withUnsafeBytes { try writer.write($0, limit: 1024).count } == 1024)
            #expect(try writer.room(limit: 1024) == 0)
            #expect(try writer.room() == capacity - 1024)
            #expect(try bytes.withUnsafeBytes { try writer.write($0, limit: 1024).count } == 0)
            var buffer = [UInt8](repeating: 0, count: 100)
            #expect(try buffer.withUnsafeMutableBytes { try reader.read(into: $0) } == 100)
            #expect(try writer.room(limit: 1024) == 100)
            // Without a limit the whole ring is room.
            #expect(try bytes.withUnsafeBytes { try writer.write($0).count } == 3000)
            #expect(try writer.room(limit: 1024) == 0)
            #expect(try writer.room() == capacity - 924 - 3000)
        }
    }

    /// The consumer's word that it yields its CPU reaches the producer, which follows it only
    /// when it is exactly 1: the other process writes it, and any other value (garbage from a
    /// hostile host, say) leaves the producer sleeping as before. The consumer's side keeps its
    /// own word: what the other process writes over the copy does not change it, and the next
    /// word said is written again.
    @Test func theConsumersYieldWordReachesTheProducerAndGarbageMeansNo() throws {
        try withRing(capacity: 4096) { (memory, reader, writer) throws in
            let copy = memory + SharedRing.consumerYieldsOffset
            #expect(!writer.consumerYields)
            reader.noteYielding(true)
            #expect(writer.consumerYields && reader.yields)
            reader.noteYielding(false)
            #expect(!writer.consumerYields && !reader.yields)
            copy.storeBytes(of: UInt32(0xdead_beef), as: UInt32.self)
            #expect(!writer.consumerYields)
            copy.storeBytes(of: UInt32(1), as: UInt32.self)
            #expect(!reader.yields, "the other process wrote over the copy, not this side's word")
            reader.noteYielding(true)
            reader.noteYielding(false)
            #expect(copy.load(as: UInt32.self) == 0)
        }
    }

    /// A spin that yields every round has a short budget that is all or nothing: five waits
    /// that see nothing bring it to none (20, 10, 5, 2.5, 1.25 µs, then none), where a pausing
    /// spin's 100 µs takes seven. One that sees its wait end, or is told the wait is no longer
    /// worth it, returns at once; only the first teaches it anything.
    @Test func aYieldingSpinHasAShortBudgetAndStopsWhenNoLongerWorthIt() {
        func failuresToNone(_ pace: AdaptiveSpin.Pace) -> Int {
            var spin = AdaptiveSpin(pace)
            var failures = 0
            while spin.expectsTheOtherSideAwake && failures < 100 {
                let sawIt = spin.spin(until: { false })
                #expect(!sawIt)
                failures += 1
            }
            return failures
        }
        #expect(failuresToNone(.yieldingEveryRound) == 5)
        #expect(failuresToNone(.pausing) == 7)

        var spin = AdaptiveSpin(.yieldingEveryRound)
        var looks = 0
        // (The first look always comes; later ones only within the budget, which a busy
        // machine may spend on a single yield.)
        let sawIt = spin.spin(until: { looks += 1; return true })
        #expect(sawIt && looks == 1)
        looks = 0
        let sawNothing = !spin.spin(until: { looks += 1; return false }, while: { false })
        #expect(sawNothing && looks == 1, "it stopped as soon as the wait was not worth it")
        // Four more waits that see nothing empty the budget: the stop above taught it nothing.
        for _ in 0..<4 { _ = spin.spin(until: { false }) }
        #expect(spin.expectsTheOtherSideAwake)
        _ = spin.spin(until: { false })
        #expect(!spin.expectsTheOtherSideAwake)
    }

    /// The parent says a call is lone only while it is: after a call made alone, yes; while
    /// three overlap (the host holds each until all three are in), no, and still no once they
    /// are answered, until a call is made alone again, after every task resumed with its
    /// reply has run. The host yields its CPU only while the parent says yes.
    @Test func theParentSaysACallIsLoneOnlyWhileItIs() async throws {
        let bridge = try await Bridge<Rendezvous>.start(options(sharedMemory: true))
        let client = bridge.client
        let channel = try #require((bridge._connection.transport as? SocketTransport)?.sharedMemory)
        // A call made while a reader thread still holds the role (it gives it up just after
        // it hands over the last reply) is not lone: the next one is.
        // The host counts every arrival: returns how many came so far, or nil if no call was lone.
        func callAlone(_ name: String) async throws -> Int? {
            for _ in 0..<100 {
                let arrived = try await client.arrive(name, expecting: 1)
                #expect(arrived.last == name)
                if channel.inLoneCall { return arrived.count }
            }
            return nil
        }
        let before = try #require(try await callAlone("alone"))
        try await withThrowingTaskGroup(of: [String].self) { group in
            for name in ["a", "b", "c"] {
                group.addTask { try await client.arrive(name, expecting: before + 3) }
            }
            for try await arrived in group { #expect(arrived.count == before + 3) }
        }
        #expect(!channel.inLoneCall, "three calls overlapped")
        #expect(try await callAlone("alone again") != nil)
        await bridge.stop()
    }

    /// A ring of `capacity` bytes in zeroed memory of this process, with its reader and writer.
    private func withRing(
        capacity: Int, _ body: (UnsafeMutableRawPointer, SharedRingReader, SharedRingWriter) throws -> Void
    ) throws {
        let memory = UnsafeMutableRawPointer.allocate(byteCount: SharedRing.size(capacity: capacity), alignment: 64)
        defer { memory.deallocate() }
        memory.initializeMemory(as: UInt8.self, repeating: 0, count: SharedRing.size(capacity: capacity))
        try body(memory, SharedRingReader(base: memory, capacity: capacity), SharedRingWriter(base: memory, capacity: capacity))
    }
}
