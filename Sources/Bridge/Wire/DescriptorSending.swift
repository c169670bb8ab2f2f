/// How bytes that hold frames carrying descriptors go out: each frame's descriptors ride on
/// the `sendmsg` that carries its first byte, so that the receiver has them by the time it has
/// the frame. More than one `sendmsg` takes (`System.maximumDescriptorsPerMessage`, Linux's
/// `SCM_MAX_FD`) go in parts, one part on each of the frame's next bytes (a frame has more
/// bytes than descriptors: each descriptor value takes at least two).
package enum DescriptorSending {
    /// The descriptors of the frame that starts at `offset` in the bytes being sent.
    package typealias Attachment = (offset: Int, descriptors: WireDescriptors)

    /// Sends all of `bytes`, with each attachment's descriptors on the part that starts at its
    /// offset.
    /// - Parameters:
    ///   - attachments: In order of offset, each with at least one descriptor.
    ///   - send: One system call: sends what it can of the bytes, with the descriptors (maybe
    ///     none) attached to the first byte it sends.
    ///   - whenBlocked: Called when `send` would block; false gives up.
    /// - Returns: False if a send failed (the socket is gone, or refused the descriptors) or
    ///   `whenBlocked` gave up.
    package static func sendAll(
        _ bytes: UnsafeRawBufferPointer, attachments: [Attachment],
        send: (UnsafeRawBufferPointer, UnsafeBufferPointer<CInt>) -> System.Sent,
        whenBlocked: () -> Bool = { true }
    ) -> Bool {
        let perMessage = System.maximumDescriptorsPerMessage
        var written = 0
        var next = 0  // the attachment whose descriptors go next
        var part = 0  // which part of them
        while written < bytes.count {
            let sent: System.Sent
            if next < attachments.count, attachments[next].offset + part == written {
                let descriptors = attachments[next].descriptors
                let parts = (descriptors.count + perMessage - 1) / perMessage
                let end = part < parts - 1
                    ? written + 1
                    : (next + 1 < attachments.count ? attachments[next + 1].offset : bytes.count)
                sent = descriptors.withUnsafeDescriptors { all in
                    let range = (part * perMessage)..<min((part + 1) * perMessage, all.count)
                    return send(UnsafeRawBufferPointer(rebasing: bytes[written..<end]), UnsafeBufferPointer(rebasing: all[range]))
                }
                if case .bytes(let count) = sent, count > 0 {
                    part += 1
                    if part == parts { (next, part) = (next + 1, 0) }
                }
            } else {
                let end = next < attachments.count ? attachments[next].offset + part : bytes.count
                sent = send(UnsafeRawBufferPointer(rebasing: bytes[written..<end]), UnsafeBufferPointer(start: nil, count: 0))
            }
            switch sent {
            case .bytes(let count): written += count
            case .failed: return false
            case .wouldBlock: guard whenBlocked() else { return false }
            }
        }
        return true
    }
}
