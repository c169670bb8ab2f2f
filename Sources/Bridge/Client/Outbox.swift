/// Frames waiting to be written, and who writes them.
struct Outbox: Sendable {
    var frames: [UInt8] = []
    /// A thread is writing, and writes whatever is added before it finishes.
    var writing = false
    /// A task will write the outbox once the tasks ready to run have added their calls.
    var flushScheduled = false
    /// The writer's second buffer, kept so that writing allocates nothing.
    var spare: [UInt8] = []

    mutating func takeSpare() -> [UInt8] {
        defer { spare = [] }
        return spare
    }
}
