import CBridge

/// Which of a host's methods were quick the last time they ran: a serving loop that runs calls
/// in turn lets the replies it has made wait for the next call, to leave with its reply in one
/// write, only when that call's method is one of them.
///
/// Replies that leave together are what makes calls in flight cheap: the parent reads them in
/// one go and resumes their callers together. Flushed before every call, 8 calls in flight cost
/// 6.1-6.6 µs a call on one CPU against 4.1-4.4, and 8.0-9.4 µs across two CPUs against
/// 2.5-2.7. But a reply held while a slow call ran waited for it: a quick call made with a
/// slow one got its answer only when the slow one ended (past its `callTimeout`), and lost it
/// if the host died in the slow one. So a method's first call, and a call of a method whose
/// last call took `limit` or longer, runs with nothing held. Only the last call counts: a
/// quick method's call that the scheduler or a page fault slowed once must not cost its calls
/// in flight their batches for good (it did, in every benchmark run). What this leaves: a
/// method that is quick until it is not (slow once, or dying in a call) holds the replies made
/// before that call.
package struct QuickMethods {
    /// The longest a call may take and still count as quick.
    package static let limit: UInt64 = 20_000  // ns
    /// By method id: whether its last call took less than `limit`.
    private var quick: [UInt64: Bool] = [:]

    package init() {}

    /// Whether replies made before a call of `methodID` may wait for it.
    package func holdsReplies(for methodID: UInt64) -> Bool { quick[methodID] == true }

    /// The moment a call starts, for `ran(_:since:)`.
    package static func now() -> UInt64 { cbridge_monotonic_nanoseconds() }

    /// A call of `methodID` that started at `start` has ended.
    package mutating func ran(_ methodID: UInt64, since start: UInt64) {
        quick[methodID] = cbridge_monotonic_nanoseconds() - start < Self.limit
    }
}
