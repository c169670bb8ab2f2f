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

    /// The consumer's word that it hands its CPU over reaches the producer, which follows it
    /// only when it is exactly that word: the other process writes it, and any other value
    /// (garbage from a hostile host, say) leaves the producer sleeping as before.
    @Test func theConsumersHandOverWordReachesTheProducerAndGarbageMeansNo() throws {
        try withRing(capacity: 4096) { (memory, reader, writer) throws in
            #expect(!writer.consumerHandsOver)
            reader.noteHandingOver(true)
            #expect(writer.consumerHandsOver && reader.handsOver)
            reader.noteHandingOver(false)
            #expect(!writer.consumerHandsOver)
            (memory + SharedRing.consumerHandsOverOffset).storeBytes(of: UInt32(0xdead_beef), as: UInt32.self)
            #expect(!writer.consumerHandsOver)
        }
    }

    /// A spin that hands the CPU over yields until another thread makes its condition hold,
    /// and learns from it as a pausing spin does: the next wait may hand over again.
    @Test func aHandingOverSpinEndsWhenAnotherThreadWrites() throws {
        let written = Atomic<Bool>(false)
        let writer = Thread { written.store(true, ordering: .releasing) }
        var spin = AdaptiveSpin(.handingOver)
        writer.start()
        // The writer may not run within one budget on a busy machine: a reader spins again
        // (after a sleep, which this test leaves out), up to a bound.
        let clock = ContinuousClock()
        let giveUp = clock.now + .seconds(30)
        var sawIt = false
        while !sawIt && clock.now < giveUp {
            sawIt = spin.spin(until: { written.load(ordering: .acquiring) })
        }
        #expect(sawIt)
        #expect(spin.expectsTheOtherSideAwake)
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
