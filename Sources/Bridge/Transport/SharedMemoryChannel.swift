import CBridge

/// A two-way byte stream between a parent and its host through two rings in memory both map
/// (`SharedRing`), with the bridge's socket kept as the doorbell: a side that finds nothing to
/// read spins for a short, adaptive time, then parks and sleeps in `recv` on the socket until
/// the other side, seeing it parked, sends one byte. While a conversation is hot neither side
/// makes a system call, so a call between two CPUs pays no wake-up; an idle bridge sleeps in
/// the kernel as before. The socket also still brings the other side's end (its close), and
/// its receive timeout bounds each wait, so every guarantee of the socket transport holds.
///
/// How long a side spins before it sleeps, `AdaptiveSpin` learns from the waits before.
///
/// On one CPU a side cannot spin while the other runs; instead, during a lone call, each side
/// waits by yielding the CPU to the other (`AdaptiveSpin.Pace.yieldingEveryRound`), so neither
/// sleeps nor is woken. The parent says when a call is lone (`noteLoneCall(_:)`): one call in
/// flight, read by its own caller, and no task resumed with a reply that has yet to run. Its
/// word goes into the ring it reads, for the host, which yields only while it is 1. With several
/// calls in flight both sides sleep and wake as before: yielding there ran the host on part of
/// the parent's batch, and 8 calls in flight on one CPU took 10.4 µs each instead of 7.8.
///
/// Only the producer clears the consumer's parked flag (when it rings): a consumer that stops
/// waiting leaves it set, because another party of the same process (the event loop) may
/// wait on the socket in its place. That costs at most one needless doorbell per wait, which
/// the next wait drains, and never a lost one.
///
/// Reading is for the one holder of the reading role, writing for one writer at a time, as
/// for a socket.
package final class SharedMemoryChannel: @unchecked Sendable {
    /// The longest a reader sleeps on its parked flag before it sleeps on the socket.
    static let flagSleep = Duration.milliseconds(2)
    /// The bytes each ring holds: a message of up to about a megabyte goes whole, which on one
    /// CPU wakes the reader once for it, not once per ring's worth (a 1 MiB echo: 0.95x the
    /// raw socket's with rings of 256 KiB, 1.2-1.4x with these). The price is memory: each
    /// ring's pages are touched as its positions go round, up to 2 MiB a bridge.
    package static let ringCapacity = 1 << 20
    /// The most bytes a writer leaves unread while the reader runs on another CPU: the two
    /// then stream through this much of the ring, which stays in the CPUs' caches (with the
    /// whole ring in flight, a 1 MiB echo across two CPUs took 15 % longer).
    static let streamingWindow = 256 << 10
    /// The size of the shared memory: two rings.
    package static let memorySize = 2 * SharedRing.size(capacity: ringCapacity)
    /// The largest piece written before the reader may take it, while the reader runs on
    /// another CPU: a large message streams through the ring, the reader copying out one piece
    /// while the writer copies in the next.
    static let largestPiece = 32 << 10

    /// Which rings this side reads and writes.
    package enum Side {
        /// Writes the first ring, reads the second.
        case parent
        /// Reads the first ring, writes the second.
        case host
    }

    private let memory: SharedMemory
    private let side: Side
    private let socket: FileDescriptor
    private let incoming: SharedRingReader
    private let outgoing: SharedRingWriter
    /// How long a wait for bytes spins before it parks (the reading role's), while the other
    /// side runs on another CPU.
    private var readSpin = AdaptiveSpin()
    /// How long a wait for bytes yields to the other side before it parks, during a lone call
    /// on one CPU.
    private var readYield = AdaptiveSpin(.yieldingEveryRound)
    /// How long a wait for room spins before it sleeps (the writer's).
    private var writeSpin = AdaptiveSpin()
    /// Where doorbells are read to, and dropped.
    private let doorbellBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 1)
    private let closed = Locked(false)

    /// - Parameters:
    ///   - memory: The mapping, of `memorySize` bytes; the channel keeps it.
    ///   - socket: The bridge's socket, for doorbells and the end; the caller owns it.
    package init(memory: SharedMemory, socket: FileDescriptor, side: Side) {
        self.memory = memory
        self.socket = socket
        self.side = side
        let first = memory.base
        let second = memory.base + SharedRing.size(capacity: Self.ringCapacity)
        switch side {
        case .parent:
            outgoing = SharedRingWriter(base: first, capacity: Self.ringCapacity)
            incoming = SharedRingReader(base: second, capacity: Self.ringCapacity)
        case .host:
            incoming = SharedRingReader(base: first, capacity: Self.ringCapacity)
            outgoing = SharedRingWriter(base: second, capacity: Self.ringCapacity)
        }
    }

    deinit {
        doorbellBuffer.deallocate()
    }

    // MARK: Reading

    /// Reads what the other side wrote, up to `target.count` bytes: waiting up to the socket's
    /// receive timeout (`waiting`), or taking only what is there now, else `.timedOut` with
    /// the doorbell armed, so that the socket turns readable when bytes come (for the event
    /// loop). A wait longer than `flagSleep` sleeps that long on the flag first, then what is
    /// left of `timeout` on the socket, with `poll`: the socket's receive timeout, which Linux
    /// counts in scheduler ticks, ended a blocking call's 2 s time limit 20-26 ms late.
    /// - Parameter timingOut: Whether `timeout` ends the wait.
    func receive(
        into target: UnsafeMutableRawBufferPointer, waiting: Bool, timingOut: Bool, timeout: Duration?
    ) -> System.Received {
        do {
            if waiting, try spinForBytes() == 0, try !sleepOnFlag(timeout: timingOut ? timeout : nil) {
                if timingOut, let timeout, timeout <= Self.flagSleep { return .timedOut }
                // The spin took a few microseconds at most; the flag sleep took `flagSleep`.
                let deadline = timingOut ? timeout.map { ContinuousClock.now + ($0 - Self.flagSleep) } : nil
                // Nothing came while spinning and sleeping briefly: sleep until the doorbell.
                while true {
                    incoming.park()
                    if try incoming.available() > 0 { break }
                    if let deadline {
                        let left = deadline - ContinuousClock.now
                        guard left > .zero, System.waitUntilReadable(socket, atMost: left) else { return .timedOut }
                    }
                    switch System.receive(socket, into: doorbellBuffer, waiting: deadline == nil) {
                    case .bytes: continue  // rung (or an old ring): look again
                    case .timedOut where !timingOut || deadline != nil: continue
                    case .timedOut:
                        return .timedOut
                    case .endOfFile:
                        // Bytes written before the end are still the other side's last words.
                        if try incoming.available() > 0 { break }
                        return .endOfFile
                    case .failed(let error):
                        return .failed(error)
                    }
                }
            }
            let count = try incoming.read(into: target)
            if count > 0 { return .bytes(count) }
            // Not waiting and nothing here: arm the doorbell and look once more; drain the
            // doorbells that came, so that the socket turns readable only for new bytes. A
            // doorbell drained may be for bytes written after the look: look again.
            while true {
                incoming.park()
                if try incoming.available() > 0 { return .bytes(try incoming.read(into: target)) }
                switch System.receive(socket, into: doorbellBuffer, waiting: false) {
                case .bytes: continue
                case .timedOut: return .timedOut
                case .endOfFile:
                    return try incoming.available() > 0 ? .bytes(try incoming.read(into: target)) : .endOfFile
                case .failed(let error): return .failed(error)
                }
            }
        } catch {
            return .failed(SystemError("the shared memory ring (the other process wrote a position it could not have)", code: System.protocolError))
        }
    }

    /// Sleeps on the parked flag (a futex, cheaper than a doorbell through the socket) while
    /// nothing comes, up to `flagSleep` or `timeout`: for the short waits of a conversation on
    /// one CPU. Longer waits go to the socket, which also brings the other side's end.
    /// - Returns: Whether bytes wait.
    private func sleepOnFlag(timeout: Duration?) throws(SharedRing.Corrupt) -> Bool {
        let limit = min(timeout ?? Self.flagSleep, Self.flagSleep)
        let deadline = cbridge_monotonic_nanoseconds() + UInt64(limit.wholeNanoseconds)
        while true {
            incoming.park(.onFlag)
            if try incoming.available() > 0 { return true }
            let now = cbridge_monotonic_nanoseconds()
            guard now < deadline, !closed.withLock({ $0 }) else { return false }
            incoming.sleepOnFlag(nanoseconds: Int64(deadline - now))
            if try incoming.available() > 0 { return true }
        }
    }

    /// Says whether the parent's call in flight is a lone call (see the type's doc): said by the
    /// parent's connection under its state's lock, so that the last word is the true one.
    package func noteLoneCall(_ lone: Bool) {
        incoming.noteYielding(lone)
    }

    /// Whether the parent's call in flight is a lone call: the parent reads its own word, the
    /// host the parent's copy in the ring the host writes.
    var inLoneCall: Bool { side == .parent ? incoming.yields : outgoing.consumerYields }

    /// Whether the other side last waited on another CPU than this thread runs on now: then
    /// a spin pauses between looks while it writes. On the same CPU it cannot run while this
    /// side spins, only when this side yields the CPU.
    private func otherSideRunsElsewhere() -> Bool {
        let mine = cbridge_current_cpu()
        incoming.noteCPU(mine)
        return outgoing.consumersCPU != mine
    }

    /// Spins for up to the budget until bytes wait.
    /// - Returns: How many bytes wait.
    private func spinForBytes() throws(SharedRing.Corrupt) -> Int {
        let waiting = try incoming.available()
        if waiting > 0 { return waiting }
        let spun: Bool
        if otherSideRunsElsewhere() {
            spun = try readSpin.spin(until: { () throws(SharedRing.Corrupt) in try incoming.available() > 0 })
        } else if inLoneCall {
            // Both sides stop yielding once the call is no longer lone.
            spun = try readYield.spin(until: { () throws(SharedRing.Corrupt) in try incoming.available() > 0 }, while: { inLoneCall })
        } else {
            spun = false
        }
        return spun ? try incoming.available() : 0
    }

    // MARK: Writing

    /// Writes what fits now; rings the doorbell if the other side sleeps.
    func sendWithoutWaiting(_ bytes: UnsafeRawBufferPointer) -> System.Sent {
        guard !closed.withLock({ $0 }) else { return .failed }
        let count: Int
        let wakes: Bool
        do {
            // Pieces only while the reader runs beside the writer: on one CPU it cannot, and
            // is better woken once for all that fits. (The spin's budget alone does not tell:
            // on one CPU the writer never spins, so the budget keeps its first value.)
            let limit = writeLimit(elsewhere: otherSideRunsElsewhere())
            let piece = limit != nil && bytes.count > Self.largestPiece ? Self.largestPiece : bytes.count
            (count, wakes) = try outgoing.write(UnsafeRawBufferPointer(rebasing: bytes.prefix(piece)), limit: limit)
        } catch {
            // The other process wrote a position it could not have: end the conversation, so
            // that whoever reads sees the end instead of waiting for a reply.
            System.shutdown(socket)
            return .failed
        }
        if wakes { ringDoorbell() }
        return count > 0 ? .bytes(count) : .wouldBlock
    }

    /// The most a write may leave unread: `streamingWindow` while the reader runs on another
    /// CPU (`elsewhere`) and is awake, as the writer's spins found, for the two then stream;
    /// otherwise nil, the whole ring.
    private func writeLimit(elsewhere: Bool) -> Int? {
        elsewhere && writeSpin.expectsTheOtherSideAwake ? Self.streamingWindow : nil
    }

    /// Writes all of `bytes`, waiting for room as long as it takes (the host's replies: its
    /// parent reads them).
    /// - Returns: False if the other side is gone (or this side shut down).
    package func sendAll(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            switch sendWithoutWaiting(UnsafeRawBufferPointer(rebasing: bytes[offset...])) {
            case .bytes(let count): offset += count
            case .failed: return false
            case .wouldBlock:
                guard waitForRoom(atMost: Self.roomWait) else { return false }
            }
        }
        return true
    }

    /// The longest single sleep on the room signal: a reader that went away without a word
    /// (its socket's end is not on the futex) is noticed at least this often.
    private static let roomWait = Duration.milliseconds(10)

    /// Waits until there may be room to write, at most `timeout`: spinning while the reader
    /// runs on another CPU and spinning pays, then sleeping on the room signal.
    /// - Returns: False if the other side is gone or this side shut down: its ring stays full.
    func waitForRoom(atMost timeout: Duration) -> Bool {
        // While streaming, room counts within the window, as `sendWithoutWaiting` writes.
        let elsewhere = otherSideRunsElsewhere()
        let limit = writeLimit(elsewhere: elsewhere)
        if elsewhere, writeSpin.spin(until: { ((try? outgoing.room(limit: limit)) ?? 1) > 0 }) { return true }
        guard !closed.withLock({ $0 }), !System.peerHasGone(socket) else { return false }
        outgoing.waitForRoom(nanoseconds: min(timeout, Self.roomWait).wholeNanoseconds, limit: limit)
        return true
    }

    /// Waits until there is room to write or bytes to read, at most `timeout`.
    /// - Returns: `.readable` when bytes can be read (or the other side has gone).
    func waitUntilReadableOrWritable(atMost timeout: Duration) -> System.Readiness {
        let deadline = ContinuousClock.now + timeout
        while true {
            guard let waiting = try? incoming.available(), let room = try? outgoing.room() else { return .readable }
            if waiting > 0 || closed.withLock({ $0 }) || System.peerHasGone(socket) { return .readable }
            if room > 0 { return .writable }
            let left = deadline - .now
            guard left > .zero else { return .neither }
            // Room is signalled on the futex; bytes to read on the socket, which this does
            // not watch: short waits see them soon enough on this rare path (a writer that
            // holds the reading role, facing full rings both ways).
            outgoing.waitForRoom(nanoseconds: min(left, .milliseconds(1)).wholeNanoseconds)
        }
    }

    /// Makes writes fail from now on, and wakes a writer waiting for room.
    package func shutDown() {
        closed.withLock { $0 = true }
        outgoing.interruptWait()
        incoming.interruptSleep()
    }

    private func ringDoorbell() {
        var byte: UInt8 = 1
        _ = withUnsafeBytes(of: &byte) { System.sendWithoutWaiting(socket, $0) }
    }
}

/// A shared memory file mapped into this process, unmapped when released.
package final class SharedMemory: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
    let size: Int

    /// Maps `size` bytes of the shared memory file `descriptor` (the caller keeps it).
    /// - Throws: `SystemError` naming `mmap`, or `fstat` when the file is smaller.
    package init(mapping descriptor: FileDescriptor, size: Int) throws(SystemError) {
        let fileSize = cbridge_file_size(descriptor.rawValue)
        guard fileSize >= Int64(size) else { throw SystemError("fstat of the shared memory (\(fileSize) bytes, not \(size))", code: System.lastError == 0 ? System.invalidArgument : System.lastError) }
        guard let base = cbridge_shared_memory_map(descriptor.rawValue, size) else { throw SystemError("mmap", code: System.lastError) }
        self.base = base
        self.size = size
    }

    deinit {
        cbridge_shared_memory_unmap(base, size)
    }

    /// Makes a new shared memory file of `size` bytes.
    /// - Throws: `SystemError` naming `memfd_create` (`ENOSYS` where there is none).
    package static func create(size: Int) throws(SystemError) -> FileDescriptor {
        let descriptor = cbridge_shared_memory_create(size)
        guard descriptor >= 0 else { throw SystemError("memfd_create", code: System.lastError) }
        return FileDescriptor(rawValue: descriptor)
    }
}
