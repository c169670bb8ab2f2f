@testable import Bridge
import Testing

/// A stream's window, without processes: the producer's credit (`StreamCredit`) and the
/// consumer's inbox (`StreamInbox`).
@Suite struct StreamWindowTests {
    /// A stream that always has elements in flight never confirms them all at once: the sizes
    /// it keeps must still not grow with the stream (found by a review of the byte window).
    @Test func aLongStreamKeepsFewSizes() async {
        let credit = StreamCredit()
        let inFlight = 64
        for sent in 0..<20_000 {
            #expect(await credit.take())
            credit.sent(bytes: 10)
            if sent >= inFlight { credit.grant(1) }
        }
        #expect(credit.keptSizes < 1_000, "\(credit.keptSizes) sizes kept")
    }

    /// A consumer slower than its producer never finds its inbox empty: the elements it took
    /// must leave it all the same (they stayed until it caught up, 300 MiB for a hundred
    /// elements of 3 MiB, found by a new user's check).
    @Test func aSlowConsumersInboxHoldsOnlyWhatItHasNotTaken() async throws {
        let inbox = StreamInbox(method: "blobs() async throws -> AsyncThrowingStream<Data, any Error>")
        func element(_ number: Int) -> Frame {
            Frame(kind: .element, callID: 1, payload: [UInt8](repeating: UInt8(truncatingIfNeeded: number), count: 64), descriptors: nil)
        }
        inbox.receive(element(0))
        inbox.receive(element(1))
        for number in 0..<100 {
            let taken = try await inbox.next()
            #expect(taken?.frame.payload.first == UInt8(truncatingIfNeeded: number))
            inbox.receive(element(number + 2))
            #expect(inbox.waitingElements == 2, "after \(number + 1) taken")
        }
    }
}
