@testable import Bridge
import Testing

/// The producer's side of a stream's window (`StreamCredit`), without processes.
@Suite struct StreamCreditTests {
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
}
