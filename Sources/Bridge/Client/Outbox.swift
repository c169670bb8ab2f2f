/// Frames waiting to be written, and who writes them.
struct Outbox: Sendable {
    var frames: [UInt8] = []
    /// A thread is writing, and writes whatever is added before it finishes.
    var writing = false
    /// A task will write the outbox once the tasks ready to run have added their calls.
    var flushScheduled = false
    /// The writer's second buffer, kept so that writing allocates nothing.
    var spare: [UInt8] = []

    /// What a call added to the outbox while others are in flight does about writing it.
    enum Joining {
        /// It writes the outbox, once the tasks ready to run have added their calls.
        case flushes
        /// A thread writing now writes it.
        case joinsWriter
        /// Another task writes it with its own.
        case joinsScheduledFlush
    }

    /// Adds a call made while others are in flight.
    mutating func join(_ frame: [UInt8]) -> Joining {
        frames += frame
        if writing { return .joinsWriter }
        if flushScheduled { return .joinsScheduledFlush }
        flushScheduled = true
        return .flushes
    }

    /// The task that scheduled the flush writes now, unless a thread already does: the
    /// buffer to write with, or nil.
    mutating func startFlush() -> [UInt8]? {
        flushScheduled = false
        guard !writing else { return nil }
        writing = true
        return takeSpare()
    }

    mutating func takeSpare() -> [UInt8] {
        defer { spare = [] }
        return spare
    }
}
