/// The consumer's end of one stream: the elements its producer sent that the consumer has not
/// taken yet, and how the stream ended.
///
/// It holds at most `StreamCredit.window` elements (or about `StreamCredit.byteWindow` bytes),
/// because the producer sends no more than the consumer allowed, and the consumer allows more
/// only as it takes them.
final class StreamInbox: Sendable {
    private struct State {
        /// The elements not taken yet, oldest first. A taken one leaves at once: one kept until
        /// the consumer caught up held every element a slow consumer took (300 MiB for a
        /// hundred elements of 3 MiB, found by a new user's check).
        var elements: [Frame] = []
        /// How the stream ended, once it has; nil again after its consumer was told.
        var end: Result<Void, any Error>?
        /// The consumer saw the end, or left: nothing more reaches it.
        var told = false
        var waiter: CheckedContinuation<Taken?, any Error>?
        /// Elements taken since credit was last granted, and their bytes.
        var taken: UInt32 = 0
        var takenBytes = 0

        /// Takes the next element, and the credit to grant for it.
        mutating func take(_ frame: Frame) -> Taken {
            taken += 1
            takenBytes += frame.payload.count
            guard taken >= StreamCredit.grantEvery || takenBytes >= StreamCredit.byteWindow / 2 else {
                return Taken(frame: frame, credit: 0)
            }
            defer { (taken, takenBytes) = (0, 0) }
            return Taken(frame: frame, credit: taken)
        }

        /// What the consumer gets when it pulls now: an element, the end (nil), or nothing yet.
        mutating func pull() -> Result<Taken?, any Error>? {
            if told { return .success(nil) }
            if !elements.isEmpty {
                // At most a window of elements wait, so moving the rest up costs little.
                return .success(take(elements.removeFirst()))
            }
            guard let end else { return nil }
            self.end = nil
            told = true
            return end.map { nil }
        }
    }

    /// An element the consumer took, and how many more elements it now grants the producer.
    struct Taken: Sendable {
        var frame: Frame
        var credit: UInt32
    }

    /// The method that returned the stream, to name in errors.
    let method: String
    private let state = Locked(State())

    init(method: String) {
        self.method = method
    }

    /// How many elements wait to be taken: for tests.
    var waitingElements: Int { state.withLock { $0.elements.count } }

    /// Keeps an element for the consumer, or hands it over if the consumer waits.
    func receive(_ frame: Frame) {
        let handed = state.withLock { state -> (CheckedContinuation<Taken?, any Error>, Taken)? in
            guard state.end == nil && !state.told else { return nil }
            guard let waiter = state.waiter.take() else {
                state.elements.append(frame)
                return nil
            }
            return (waiter, state.take(frame))
        }
        if let (waiter, taken) = handed { waiter.resume(returning: taken) }
    }

    /// Ends the stream, after the elements already here: with nil, normally, or with an error.
    func finish(throwing error: (any Error)?) {
        let end: Result<Void, any Error> = error.map { .failure($0) } ?? .success(())
        let waiter = state.withLock { state -> CheckedContinuation<Taken?, any Error>? in
            guard state.end == nil && !state.told else { return nil }
            state.end = end
            guard let waiter = state.waiter.take() else { return nil }
            state.end = nil
            state.told = true
            return waiter
        }
        waiter?.resume(with: end.map { nil })
    }

    /// Stops handing out elements: the consumer leaves.
    func leave() {
        state.withLock { $0.told = true }
    }

    /// Takes the next element, waiting for it at most `limit` (nil: as long as it takes);
    /// nil once the stream has ended.
    /// - Parameter expired: The error when `limit` runs out first.
    /// - Throws: The stream's error, once; `CancellationError` when the consuming task is
    ///   cancelled, or `expired()` when the limit runs out: both end the stream for this
    ///   consumer.
    func next(waitingAtMost limit: Duration? = nil, expired: @escaping @Sendable () -> any Error = { CancellationError() }) async throws -> Taken? {
        guard let limit else { return try await waitForNext(until: nil, expired: expired) }
        // An element already here costs no timer.
        if !Task.isCancelled, let ready = state.withLock({ $0.pull() }) { return try ready.get() }
        let deadline = Moment.now + limit
        let timer = Task { [self] in
            try await Task.sleep(until: deadline.instant)
            expire(throwing: expired())
        }
        defer { timer.cancel() }
        return try await waitForNext(until: deadline, expired: expired)
    }

    /// Fails the waiting consumer with `error`, ending the stream for it; a consumer that is
    /// not waiting (it just got an element) is left alone.
    private func expire(throwing error: any Error) {
        let waiter = state.withLock { state in
            guard let waiter = state.waiter.take() else { return nil as CheckedContinuation<Taken?, any Error>? }
            state.told = true
            return waiter
        }
        waiter?.resume(throwing: error)
    }

    /// Takes the next element, waiting for it until `deadline`.
    private func waitForNext(until deadline: Moment?, expired: @escaping @Sendable () -> any Error) async throws -> Taken? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let ready = state.withLock { state -> Result<Taken?, any Error>? in
                    if Task.isCancelled {
                        state.told = true
                        return .failure(CancellationError())
                    }
                    if let ready = state.pull() { return ready }
                    // The timer fires only once the deadline has passed: a consumer that comes
                    // later than that fails here, as the timer found no waiter to fail.
                    if let deadline, deadline <= Moment.now {
                        state.told = true
                        return .failure(expired())
                    }
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                state.told = true
                return state.waiter.take()
            }
            waiter?.resume(throwing: CancellationError())
        }
    }
}
