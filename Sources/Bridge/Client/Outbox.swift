/// Frames waiting to be written, and who writes them.
struct Outbox: Sendable {
    var frames: [UInt8] = []
    /// The descriptors of the frames in `frames` that carry some, by where each frame starts:
    /// they go out with that frame's first byte, never detached from it.
    var attachments: [DescriptorSending.Attachment] = []
    /// A thread is writing, and writes whatever is added before it finishes.
    var writing = false
    /// A task will write the outbox once the tasks ready to run have added their calls.
    var flushScheduled = false
    /// The writer's second buffer, kept so that writing allocates nothing.
    var spare: [UInt8] = []

    /// Adds a frame, header filled in, and the descriptors it carries.
    mutating func add(_ frame: borrowing _WireWriter) {
        if let descriptors = frame.descriptors, descriptors.count > 0 {
            attachments.append((frames.count, descriptors))
        }
        frames += frame.bytes
    }

    mutating func takeSpare() -> [UInt8] {
        defer { spare = [] }
        return spare
    }
}
