import Dispatch

/// Where a blocked caller's thread waits: for its reply, or for the reading role.
final class BlockingReply: Sendable {
    enum Delivery {
        case reply(Result<Frame, any Error>)
        /// The caller is to read its own reply.
        case lead
    }

    private let delivery = Locked<Delivery?>(nil)
    private let ready = DispatchSemaphore(value: 0)

    func deliver(_ delivery: Delivery) {
        self.delivery.withLock { $0 = delivery }
        ready.signal()
    }

    /// The delivery, or nil if `deadline` passed first.
    func wait(until deadline: Moment?) -> Delivery? {
        if let deadline {
            guard ready.wait(timeout: deadline.dispatchTime) == .success else { return nil }
        } else {
            ready.wait()
        }
        return delivery.withLock { $0! }
    }
}
