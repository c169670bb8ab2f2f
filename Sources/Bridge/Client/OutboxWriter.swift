/// Who writes the outbox (`_BridgeConnection.writeOutbox`): whose call the writer's is, and
/// whether it reads for everyone while the other process takes no more.
///
/// A writer that waits for room while nobody reads can wait for ever: the host may be waiting
/// for room for its replies. A reader reads while it waits; a blocked caller's thread may be
/// handed the reading role while it writes (the reader before it got its reply), and must then
/// read there, since it takes the role up in its wait for the reply only after the write.
struct OutboxWriter {
    /// The writer's own call; 0 for a thread that finishes another's write.
    let callID: UInt32
    /// The writer holds the reading role for `callID`.
    private(set) var reads: Bool
    /// The writer is a blocked caller's thread, which the role may pass to meanwhile.
    let mayBeHandedReading: Bool

    init(callID: UInt32, reads: Bool, mayBeHandedReading: Bool = false) {
        self.callID = callID
        self.reads = reads
        self.mayBeHandedReading = mayBeHandedReading && !reads
    }

    /// A thread that finishes a write its caller gave up waiting for: it never reads.
    static let lateWriter = OutboxWriter(callID: 0, reads: false)

    /// The call whose reply the writer keeps when it reads it, if it reads for everyone.
    var reader: UInt32? { reads ? callID : nil }

    /// The reading role passed to the writer's call while it wrote.
    mutating func takeUpReading() { reads = true }
}
