import CBridge
import Synchronization

/// One direction of a byte stream in memory that a parent and its host both map: a ring the
/// producer writes and the consumer reads, with no system call while both are awake.
///
/// Layout, from `base`: the producer's position (`tail`, 64-bit), the consumer's (`head`),
/// each on a cache line of its own; the consumer's parked flag, the CPU it last waited on and
/// whether it waits by yielding that CPU; the producer's parked flag and
/// the word it waits on for room (a futex); then `capacity` bytes (a power of two). Positions
/// count bytes since the start and wrap at 2^64; a byte's place is its position modulo the
/// capacity.
///
/// The memory is shared with a less trusted process, so each side keeps its own position to
/// itself (it never reads back what it wrote there) and checks the other's: a producer
/// position more than `capacity` ahead of the consumer's, or a consumer's ahead of the
/// producer's, is `SharedRing.Corrupt`. Bytes are copied out before anything reads them
/// (`FrameReader` parses its own buffer), so bytes changed while they are copied are
/// garbage, as on a socket, never memory outside the ring.
enum SharedRing {
    static let controlSize = 256
    static let tailOffset = 0
    static let headOffset = 64
    static let consumerParkedOffset = 128
    /// The CPU the consumer last waited on: the producer's side spins only when its own
    /// differs (`SharedMemoryChannel`).
    static let consumerCPUOffset = 136
    /// Whether the consumer waits by yielding its CPU to the producer rather than sleeping:
    /// then so does the producer, when it waits in turn on the same CPU. Only 1 means yes.
    static let consumerYieldsOffset = 140
    static let producerParkedOffset = 192
    static let spaceSignalOffset = 196

    /// The bytes one ring takes in the shared memory.
    static func size(capacity: Int) -> Int { controlSize + capacity }

    /// The other process's position is not one a well-behaved peer could write.
    struct Corrupt: Error {}
}

/// The consumer's end of a ring.
final class SharedRingReader: @unchecked Sendable {  // one holder of the reading role at a time (`noteYielding`: see there); `noteCPU` from writers too
    private let tail: UnsafeMutablePointer<UInt64>
    private let headInMemory: UnsafeMutablePointer<UInt64>
    private let parked: UnsafeMutablePointer<UInt32>
    private let producerParked: UnsafeMutablePointer<UInt32>
    private let spaceSignal: UnsafeMutablePointer<UInt32>
    private let cpuInMemory: UnsafeMutablePointer<UInt32>
    private let data: UnsafeMutableRawPointer
    private let mask: UInt64
    /// The consumer's own position: the one in memory is only for the producer to read.
    private var head: UInt64 = 0
    /// The CPU last written to `cpuInMemory`. Atomic, as a writer notes its CPU too (the
    /// channel's `otherSideRunsElsewhere`), beside the thread that reads. A hint, so relaxed
    /// loads and stores, plain moves, with no read-modify-write on the call's path: two threads
    /// noting at once can leave the shared word stale until a thread notes another CPU, which
    /// costs a spin's choice, never a call.
    private let notedCPU = Atomic<UInt32>(.max)
    private let yieldsInMemory: UnsafeMutablePointer<UInt32>
    /// This side's own word, of which `yieldsInMemory` is the copy for the other process.
    private let yieldsWord = Atomic<Bool>(false)

    /// - Parameter base: The ring's start in the mapping; the mapping outlives the reader.
    init(base: UnsafeMutableRawPointer, capacity: Int) {
        tail = (base + SharedRing.tailOffset).assumingMemoryBound(to: UInt64.self)
        headInMemory = (base + SharedRing.headOffset).assumingMemoryBound(to: UInt64.self)
        parked = (base + SharedRing.consumerParkedOffset).assumingMemoryBound(to: UInt32.self)
        producerParked = (base + SharedRing.producerParkedOffset).assumingMemoryBound(to: UInt32.self)
        spaceSignal = (base + SharedRing.spaceSignalOffset).assumingMemoryBound(to: UInt32.self)
        cpuInMemory = (base + SharedRing.consumerCPUOffset).assumingMemoryBound(to: UInt32.self)
        yieldsInMemory = (base + SharedRing.consumerYieldsOffset).assumingMemoryBound(to: UInt32.self)
        data = base + SharedRing.controlSize
        mask = UInt64(capacity - 1)
    }

    /// How many bytes wait to be read.
    func available() throws(SharedRing.Corrupt) -> Int {
        let waiting = cbridge_load_acquire_u64(tail) &- head
        guard waiting <= mask + 1 else { throw SharedRing.Corrupt() }
        return Int(waiting)
    }

    /// Copies out up to `target.count` of the bytes that wait, and tells a producer that
    /// waits for room.
    /// - Returns: How many were copied (0 when none wait).
    func read(into target: UnsafeMutableRawBufferPointer) throws(SharedRing.Corrupt) -> Int {
        let count = min(try available(), target.count)
        guard count > 0 else { return 0 }
        let start = Int(head & mask)
        let first = min(count, Int(mask) + 1 - start)
        target.baseAddress!.copyMemory(from: data + start, byteCount: first)
        if first < count { (target.baseAddress! + first).copyMemory(from: data, byteCount: count - first) }
        head &+= UInt64(count)
        cbridge_store_release_u64(headInMemory, head)
        cbridge_fence()  // the new position is seen before the flag is read (the producer: the other way round)
        if cbridge_load_u32(producerParked) != 0 && cbridge_exchange_u32(producerParked, 0) != 0 {
            _ = cbridge_fetch_add_u32(spaceSignal, 1)
            cbridge_futex_wake(spaceSignal)
        }
        return count
    }

    /// Says which CPU the consumer waits on now, for the other side to read.
    func noteCPU(_ cpu: UInt32) {
        guard notedCPU.load(ordering: .relaxed) != cpu else { return }
        notedCPU.store(cpu, ordering: .relaxed)
        cbridge_store_u32(cpuInMemory, cpu)
    }

    /// Says whether the consumer waits by yielding its CPU, for the producer to read. Callers
    /// take turns (the connection state's lock), so that the last word is the true one; any
    /// thread may read `yields`.
    func noteYielding(_ yields: Bool) {
        guard yieldsWord.exchange(yields, ordering: .relaxed) != yields else { return }
        cbridge_store_u32(yieldsInMemory, yields ? 1 : 0)
    }

    /// This side's last word on yielding: read from its own memory, never back from the
    /// shared copy, which the other process may write.
    var yields: Bool { yieldsWord.load(ordering: .relaxed) }

    /// How a parked consumer sleeps, as its parked flag says.
    enum Sleep: UInt32 {
        /// In `recv` on the socket (or the event loop's wait for it): woken by a doorbell.
        case onSocket = 1
        /// On the flag itself (a futex): woken by a futex wake, with no byte sent.
        case onFlag = 2
    }

    /// Says the consumer is about to sleep; a producer that writes after this wakes it the
    /// way it sleeps. Check `available()` again after it: bytes may have come in between.
    func park(_ sleep: Sleep = .onSocket) {
        cbridge_store_u32(parked, sleep.rawValue)
        cbridge_fence()
    }

    /// Sleeps on the parked flag, set `.onFlag`, until a producer wakes it or `nanoseconds`
    /// pass (or sooner: a wake meant for an earlier sleep, a signal).
    func sleepOnFlag(nanoseconds: Int64) {
        _ = cbridge_futex_wait(parked, Sleep.onFlag.rawValue, nanoseconds)
    }

    /// Wakes this consumer's own sleep on the flag (`shutDown`).
    func interruptSleep() {
        cbridge_futex_wake(parked)
    }
}

/// The producer's end of a ring.
final class SharedRingWriter: @unchecked Sendable {  // one writer at a time
    private let tailInMemory: UnsafeMutablePointer<UInt64>
    private let head: UnsafeMutablePointer<UInt64>
    private let consumerParked: UnsafeMutablePointer<UInt32>
    private let consumerCPU: UnsafeMutablePointer<UInt32>
    private let consumerYieldsWord: UnsafeMutablePointer<UInt32>
    private let parked: UnsafeMutablePointer<UInt32>
    private let spaceSignal: UnsafeMutablePointer<UInt32>
    private let data: UnsafeMutableRawPointer
    private let mask: UInt64
    /// The producer's own position: the one in memory is only for the consumer to read.
    private var tail: UInt64 = 0

    /// - Parameter base: The ring's start in the mapping; the mapping outlives the writer.
    init(base: UnsafeMutableRawPointer, capacity: Int) {
        tailInMemory = (base + SharedRing.tailOffset).assumingMemoryBound(to: UInt64.self)
        head = (base + SharedRing.headOffset).assumingMemoryBound(to: UInt64.self)
        consumerParked = (base + SharedRing.consumerParkedOffset).assumingMemoryBound(to: UInt32.self)
        consumerYieldsWord = (base + SharedRing.consumerYieldsOffset).assumingMemoryBound(to: UInt32.self)
        consumerCPU = (base + SharedRing.consumerCPUOffset).assumingMemoryBound(to: UInt32.self)
        parked = (base + SharedRing.producerParkedOffset).assumingMemoryBound(to: UInt32.self)
        spaceSignal = (base + SharedRing.spaceSignalOffset).assumingMemoryBound(to: UInt32.self)
        data = base + SharedRing.controlSize
        mask = UInt64(capacity - 1)
    }

    /// The CPU the consumer last waited on (what the other process wrote: a hint, no more).
    var consumersCPU: UInt32 { cbridge_load_u32(consumerCPU) }

    /// Whether the consumer waits by yielding its CPU (what the other process wrote: a hint,
    /// and only 1 means yes).
    var consumerYields: Bool { cbridge_load_u32(consumerYieldsWord) == 1 }

    /// How many bytes fit now, with at most `limit` unread (the whole ring when nil).
    func room(limit: Int? = nil) throws(SharedRing.Corrupt) -> Int {
        let used = tail &- cbridge_load_acquire_u64(head)
        guard used <= mask + 1 else { throw SharedRing.Corrupt() }
        let room = Int(mask + 1 - used)
        guard let limit else { return room }
        return max(0, min(room, limit - Int(used)))
    }

    /// Copies in what fits of `bytes` (with at most `limit` unread), and wakes a consumer that
    /// sleeps on the flag.
    /// - Returns: How many were copied, and whether the consumer sleeps on the socket and
    ///   must be woken (its doorbell rung) to see them.
    func write(_ bytes: UnsafeRawBufferPointer, limit: Int? = nil) throws(SharedRing.Corrupt) -> (count: Int, wakesConsumer: Bool) {
        let count = min(try room(limit: limit), bytes.count)
        guard count > 0 else { return (0, false) }
        let start = Int(tail & mask)
        let first = min(count, Int(mask) + 1 - start)
        (data + start).copyMemory(from: bytes.baseAddress!, byteCount: first)
        if first < count { data.copyMemory(from: bytes.baseAddress! + first, byteCount: count - first) }
        tail &+= UInt64(count)
        cbridge_store_release_u64(tailInMemory, tail)
        cbridge_fence()  // the new position is seen before the flag is read
        guard cbridge_load_u32(consumerParked) != 0 else { return (count, false) }
        switch SharedRingReader.Sleep(rawValue: cbridge_exchange_u32(consumerParked, 0)) {
        case .onSocket: return (count, true)
        case .onFlag:
            cbridge_futex_wake(consumerParked)
            return (count, false)
        case nil: return (count, false)  // 0: awake; anything else: not a peer's value, ignored
        }
    }

    /// Waits until the consumer makes room (with at most `limit` unread), at most
    /// `nanoseconds` (it may wake early).
    func waitForRoom(nanoseconds: Int64, limit: Int? = nil) {
        let signal = cbridge_load_u32(spaceSignal)
        cbridge_store_u32(parked, 1)
        cbridge_fence()
        if (try? room(limit: limit)) ?? 1 > 0 {
            cbridge_store_u32(parked, 0)
            return
        }
        _ = cbridge_futex_wait(spaceSignal, signal, nanoseconds)
    }

    /// Wakes this process's own wait for room (`shutDown`).
    func interruptWait() {
        _ = cbridge_fetch_add_u32(spaceSignal, 1)
        cbridge_futex_wake(spaceSignal)
    }
}
