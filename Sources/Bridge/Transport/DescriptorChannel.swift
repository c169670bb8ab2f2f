/// The third socket between a parent and its host: open descriptors (`BridgeFileDescriptor`)
/// travel here (`SCM_RIGHTS`), in numbered batches, and the frame that carries them names its
/// batch (`_WireWriter.sendDescriptors(over:waitingAtMost:)`).
///
/// Why a socket of its own: descriptors sent with a frame's bytes on the bridge socket would
/// have to be read with `recvmsg` and room for them on every read, which a plain `recv`
/// does not need (it costs the one-CPU call about 7 %), and a plain `recv` that met them
/// would have the kernel close them. Here only a frame that names a batch pays for one.
///
/// A batch is sent before its frame, so by the time the receiver has the frame, the batch
/// waits on this socket: taking it never waits. Both channels of a bridge (the bridge socket
/// and the side channel) share one descriptor channel, whose frames are read by different
/// threads in any order, hence the numbers: a reader that meets another frame's batch keeps
/// it for that frame.
///
/// Each record is 8 bytes, as the trailer of a frame that carries descriptors: how many
/// descriptors the batch has in all and the batch's number (32-bit little-endian each), with up to `System.maximumDescriptorsPerMessage` descriptors attached; a larger batch takes
/// several records.
///
/// The other process is not trusted: a frame that names a batch that did not come, a record
/// that is not one, or more descriptors kept for frames not yet read than
/// `maximumHeldDescriptors` is a malformed message, and descriptors it sent that no frame
/// took are closed when the channel goes.
///
/// A batch whose descriptors this process could not all take (`MSG_CTRUNC`: at its limit of
/// open descriptors) is lost, not malformed: its records still count, the descriptors that came
/// are closed, and its frame fails alone (`BridgeError.descriptorsNotSent`), not the bridge.
package final class DescriptorChannel: Sendable {
    /// A batch that came, in part or whole, and that no frame took yet.
    private struct Batch {
        var expected: Int
        var descriptors: [CInt] = []
        /// Records of the batch read so far: it has come once they are as many as its size
        /// takes (`records(for:)`).
        var records = 0
        /// Some of its descriptors were dropped on the way in; those that came are closed.
        var lost = false
    }

    /// Batches that came and that no frame took yet, by number.
    private struct Held {
        var batches: [UInt32: Batch] = [:]
        var count = 0
        let room = UnsafeMutablePointer<CInt>.allocate(capacity: System.maximumDescriptorsPerMessage)
        let record = UnsafeMutableRawBufferPointer.allocate(byteCount: recordSize, alignment: 4)
    }

    /// The most descriptors kept for frames not read yet: the other process cannot fill this
    /// process's descriptor table with batches that no frame names.
    package static let maximumHeldDescriptors = 4096
    /// The most batches kept for frames not read yet, lost ones (which hold no descriptors)
    /// included: the other process cannot grow this table without bound either.
    package static let maximumHeldBatches = 4096
    private static let recordSize = 8

    private let socket: FileDescriptor
    private let nextBatch = Locked<UInt32>(1)
    private let held = Locked(Held())

    /// - Parameter socket: This process's end; the channel owns it.
    package init(socket: FileDescriptor) {
        self.socket = socket
    }

    deinit {
        System.close(socket)
        held.withLock { held in
            for batch in held.batches.values { batch.descriptors.forEach(System.close) }
            held.room.deallocate()
            held.record.deallocate()
        }
    }

    /// Sends `descriptors` as a new batch, before the frame that carries them.
    /// - Parameter timeout: The longest to wait for room (the other process reads batches as
    ///   it reads their frames); nil waits as long as it takes.
    /// - Returns: The batch's number, for the frame to name.
    /// - Throws: `SystemError` naming `sendmsg(SCM_RIGHTS)` and why (see `System.sendRecord`).
    package func send(_ descriptors: UnsafeBufferPointer<CInt>, waitingAtMost timeout: Duration?) throws(SystemError) -> UInt32 {
        let batch = nextBatch.withLock { next in
            defer { next = next == .max ? 1 : next + 1 }
            return next
        }
        var record = (UInt32(descriptors.count).littleEndian, batch.littleEndian)
        let perRecord = System.maximumDescriptorsPerMessage
        try withUnsafeBytes(of: &record) { (bytes) throws(SystemError) in
            var start = 0
            repeat {
                let end = min(start + perRecord, descriptors.count)
                try System.sendRecord(
                    socket, bytes, attaching: UnsafeBufferPointer(rebasing: descriptors[start..<end]), waitingAtMost: timeout)
                start = end
            } while start < descriptors.count
        }
        return batch
    }

    /// Takes the batch that a frame just read names: all `count` of its descriptors, which
    /// the caller owns from then on.
    /// - Throws: `BridgeError.descriptorsNotSent` when this process could not take them all
    ///   (at its limit of open descriptors): that frame's values fail, the channel goes on.
    ///   `BridgeError.malformedMessage` when the batch did not come whole before its frame, or
    ///   the other process sent what is not a batch.
    package func take(batch: UInt32, count: Int) throws(BridgeError) -> [CInt] {
        try held.withLock { held throws(BridgeError) in
            while (held.batches[batch]?.records ?? 0) < Self.records(for: count) {
                try receiveRecord(into: &held, naming: batch)
            }
            guard let taken = held.batches.removeValue(forKey: batch) else { return [] }
            held.count -= taken.descriptors.count
            guard !taken.lost else {
                taken.descriptors.forEach(System.close)
                guard taken.expected == count else {
                    throw .malformedMessage("a frame names \(count) descriptors (batch \(batch)), and its batch said \(taken.expected)")
                }
                throw BridgeError(
                    code: .descriptorsNotSent,
                    message: "Bridge could not take the \(count) open descriptors a message carried: the process that received it (pid \(System.currentProcessID)) was at its limit of open descriptors (RLIMIT_NOFILE; a host's is BridgeLimits.openFiles). The message's other values arrived; the bridge goes on. Pass fewer descriptors at once, or raise the limit.")
            }
            guard taken.expected == count, taken.descriptors.count == count else {
                taken.descriptors.forEach(System.close)
                throw .malformedMessage("a frame names \(count) descriptors (batch \(batch)), and \(taken.descriptors.count) of \(taken.expected) came")
            }
            return taken.descriptors
        }
    }

    /// How many records carry a batch of `count` descriptors.
    private static func records(for count: Int) -> Int {
        max(1, (count + System.maximumDescriptorsPerMessage - 1) / System.maximumDescriptorsPerMessage)
    }

    /// Reads one record that waits, and keeps its descriptors with their batch.
    private func receiveRecord(into held: inout Held, naming wanted: UInt32) throws(BridgeError) {
        let missing = "a frame names descriptors (batch \(wanted)) that did not come before it"
        switch System.receiveRecord(socket, into: held.record, descriptorRoom: held.room) {
        case .nothing, .endOfFile:
            throw .malformedMessage(missing)
        case .failed(let error):
            throw .malformedMessage("\(missing): \(error)")
        case .record(let size, let descriptors, let truncated):
            guard size == Self.recordSize else {
                descriptors.forEach(System.close)
                throw .malformedMessage("the descriptor channel brought \(size) bytes, not a record of \(Self.recordSize)")
            }
            let expected = Int(UInt32(littleEndian: held.record.loadUnaligned(fromByteOffset: 0, as: UInt32.self)))
            let batch = UInt32(littleEndian: held.record.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
            var total = held.batches[batch] ?? Batch(expected: expected)
            total.records += 1
            if truncated {
                // Dropped on the way in: the batch is lost, and what came of it goes. Unless
                // this channel itself holds descriptors of other batches, which no frame took:
                // then the other process filled this one's table, and is not trusted with more.
                descriptors.forEach(System.close)
                let others = held.count - total.descriptors.count
                guard others == 0 else {
                    throw .malformedMessage("the descriptor channel brought fewer descriptors than were sent, this process being at its limit of open descriptors, while it holds \(others) that came ahead of frames that did not take them")
                }
                total.lost = true
            } else {
                total.descriptors += descriptors
                held.count += descriptors.count
            }
            held.batches[batch] = total
            guard total.expected == expected, total.descriptors.count <= expected, truncated || !descriptors.isEmpty,
                expected <= Frame.maximumDescriptors, total.records <= Self.records(for: expected),
                held.count - total.descriptors.count <= Self.maximumHeldDescriptors, held.batches.count <= Self.maximumHeldBatches
            else {
                throw .malformedMessage("the descriptor channel brought a batch that does not add up (batch \(batch): \(total.descriptors.count) descriptors of \(expected), \(held.count) held in all)")
            }
        }
    }
}
