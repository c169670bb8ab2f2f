import Synchronization

/// A stream producer's allowance: how many more elements its consumer takes, and how many
/// bytes may be on their way.
///
/// The consumer allows `window` elements at the start, without a frame, and sends a `.credit`
/// frame on the side channel for every half window it takes, or for every half `byteWindow`
/// of elements it takes, whichever comes first. The producer sends an element only with an
/// element's credit, and while the elements it sent that were not granted back hold less than
/// `byteWindow` bytes (one element at least). So at most a window of elements, or about
/// `byteWindow` bytes, is ever in flight or buffered by the consumer, however slowly it takes
/// them, and a consumer that waits for an element always has credit on its way to the producer.
///
/// The window is wide because a credit crosses the side channel, a socket, and wakes the host's
/// side thread: 20-40 µs across CPUs on the development VM. With 16 elements the producer
/// waited for nearly every credit, and an element of a fast stream cost over 4x a call across
/// two CPUs; with 128, 2.2-2.5x, and 0.73-0.91x on one CPU (`bridge-bench`).
package final class StreamCredit: Sendable {
    /// How many elements a consumer allows before it takes any.
    package static let window: UInt32 = 128
    /// How many elements a consumer takes before it grants that many more.
    package static let grantEvery: UInt32 = window / 2
    /// The most bytes of elements in flight, that the consumer has not granted back: a window of
    /// large elements does not sit in the consumer's memory.
    package static let byteWindow = 4 << 20
    /// How many producers in this process wait for credit now: lets tests see a producer held
    /// back by a slow consumer without timing it.
    package static let waitingProducers = Atomic<Int>(0)

    private struct State {
        var available = Int(StreamCredit.window)
        /// The sizes of the elements sent and not granted back, oldest first.
        var unconfirmed: [Int] = []
        var first = 0
        var unconfirmedBytes = 0
        var waiter: CheckedContinuation<Bool, Never>?

        /// Whether the producer may send an element now.
        var mayTake: Bool { available > 0 && (unconfirmedBytes < StreamCredit.byteWindow || first == unconfirmed.count) }

        mutating func confirm(_ count: Int) {
            let end = min(first + count, unconfirmed.count)
            for index in first..<end { unconfirmedBytes -= unconfirmed[index] }
            first = end
            // Emptied when all are confirmed; a stream that always has some in flight drops
            // the confirmed ones once they are half the list, so that the list stays short.
            if first == unconfirmed.count {
                unconfirmed.removeAll(keepingCapacity: true)
                first = 0
            } else if first >= 256, first * 2 >= unconfirmed.count {
                unconfirmed.removeFirst(first)
                first = 0
            }
        }
    }

    private let state = Locked(State())

    package init() {}

    /// Allows `count` more elements, the consumer having taken `count`, waking the producer if
    /// it waits and may send now.
    package func grant(_ count: UInt32) {
        let waiter = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            state.available += Int(count)
            state.confirm(Int(count))
            guard state.mayTake, let waiter = state.waiter.take() else { return nil }
            state.available -= 1
            return waiter
        }
        waiter?.resume(returning: true)
    }

    /// How many element sizes the producer keeps, confirmed ones not yet dropped included: for
    /// tests.
    package var keptSizes: Int { state.withLock { $0.unconfirmed.count } }

    /// Notes the size of an element just sent with the credit `take()` gave.
    package func sent(bytes: Int) {
        state.withLock { state in
            state.unconfirmed.append(bytes)
            state.unconfirmedBytes += bytes
        }
    }

    /// Takes one element's credit, waiting for it if there is none.
    /// - Returns: False if the task was cancelled first.
    package func take() async -> Bool {
        let ready = state.withLock { state -> Bool in
            guard state.mayTake else { return false }
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
                    if state.mayTake {
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
