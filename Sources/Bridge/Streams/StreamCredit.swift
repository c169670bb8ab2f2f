import Synchronization

/// A stream producer's allowance: how many more elements its consumer takes.
///
/// The consumer allows `window` elements at the start, without a frame, and sends a `.credit`
/// frame on the side channel for every half window it takes. So at most a window of elements
/// is ever in flight or buffered by the consumer, however slowly it takes them, and a
/// consumer that waits for an element always has credit on its way to the producer.
package final class StreamCredit: Sendable {
    /// How many elements a consumer allows before it takes any.
    package static let window: UInt32 = 16
    /// How many elements a consumer takes before it grants that many more.
    package static let grantEvery: UInt32 = window / 2
    /// How many producers in this process wait for credit now: lets tests see a producer held
    /// back by a slow consumer without timing it.
    package static let waitingProducers = Atomic<Int>(0)

    private struct State {
        var available = Int(StreamCredit.window)
        var waiter: CheckedContinuation<Bool, Never>?
    }

    private let state = Locked(State())

    package init() {}

    /// Allows `count` more elements, waking the producer if it waits.
    package func grant(_ count: UInt32) {
        let waiter = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            state.available += Int(count)
            guard let waiter = state.waiter.take() else { return nil }
            state.available -= 1
            return waiter
        }
        waiter?.resume(returning: true)
    }

    /// Takes one element's credit, waiting for it if there is none.
    /// - Returns: False if the task was cancelled first.
    package func take() async -> Bool {
        let ready = state.withLock { state -> Bool in
            guard state.available > 0 else { return false }
            state.available -= 1
            return true
        }
        if ready { return !Task.isCancelled }
        Self.waitingProducers.add(1, ordering: .relaxed)
        defer { Self.waitingProducers.subtract(1, ordering: .relaxed) }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> Bool? in
                    if Task.isCancelled { return false }
                    if state.available > 0 {
                        state.available -= 1
                        return true
                    }
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            state.withLock { $0.waiter.take() }?.resume(returning: false)
        }
    }

    /// Reads a `.credit` frame's count.
    package static func count(in frame: Frame) -> UInt32? {
        var payload = frame.payloadReader
        return try? payload.readUInt32LittleEndian()
    }
}
