import Bridge
import Foundation

/// An error a feed's stream ends with; `Codable`, so it arrives as itself.
enum FeedError: Error, Codable, Equatable {
    case brokenAt(Int)
    case refused
    case unencodable(Int)
}

/// An element whose encoding fails for one value.
struct Fragile: Codable, Equatable, Sendable {
    var value: Int
    var failsToEncode = false

    func encode(to encoder: any Encoder) throws {
        if failsToEncode { throw FeedError.unencodable(value) }
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    init(value: Int, failsToEncode: Bool = false) {
        self.value = value
        self.failsToEncode = failsToEncode
    }

    init(from decoder: any Decoder) throws {
        value = try decoder.singleValueContainer().decode(Int.self)
    }
}

/// A bridged object the parent passes to a host, whose method returns a stream: the host
/// consumes it.
protocol NumberSource: Bridged, Sendable {
    func numbers(from start: Int, count: Int) async throws -> AsyncThrowingStream<Int, any Error>
}

final class LocalNumberSource: NumberSource {
    func numbers(from start: Int, count: Int) async throws -> AsyncThrowingStream<Int, any Error> {
        countingStream(from: start, count: count)
    }
}

protocol Feed: Bridged {
    /// `count` numbers from `start`, in order.
    func numbers(from start: Int, count: Int) async throws -> AsyncThrowingStream<Int, any Error>
    /// 0 ..< count; before it produces each value after the first, the host reads a byte from
    /// the FIFO at `gate`.
    func gated(count: Int, gate: String) async throws -> AsyncThrowingStream<Int, any Error>
    /// 0 ..< count, then the stream throws `FeedError.brokenAt(count)`, or, `opaquely`, an
    /// error that is not `Codable`.
    func failing(after count: Int, opaquely: Bool) async throws -> AsyncThrowingStream<Int, any Error>
    /// Throws `FeedError.refused` instead of returning a stream.
    func refuse() async throws -> AsyncThrowingStream<Int, any Error>
    /// 0 and 1; then the host reads a byte from the FIFO at `gate` and exits with `status`.
    func dying(gate: String, status: Int32) async throws -> AsyncThrowingStream<Int, any Error>
    /// 0 ..< ready, then nothing, without ending; when the stream is terminated in the host
    /// (cancelled or dropped), the host creates the file `stopped`.
    func endless(ready: Int, stopped: String) async throws -> AsyncThrowingStream<Int, any Error>
    /// 0, 1, 2, ... for ever, each made only when the host pulls it; `produced()` counts them.
    func counting() async throws -> AsyncThrowingStream<Int, any Error>
    /// Blobs of `bytes` zeros for ever, each made only when the host pulls it; `produced()`
    /// counts them too.
    func countingBlobs(bytes: Int) async throws -> AsyncThrowingStream<Data, any Error>
    /// How many values `counting()` has made.
    func produced() async throws -> Int
    /// How many stream producers in the host wait for their consumer's credit.
    func producersWaitingForCredit() async throws -> Int
    /// Values 0 ..< count, the one at `failingAt` failing to encode.
    func fragile(count: Int, failingAt: Int) async throws -> AsyncThrowingStream<Fragile, any Error>
    /// Sums the stream that `source.numbers(from: 1, count: count)` returns, in the host.
    func sum(of source: any NumberSource, count: Int) async throws -> Int
    func ping() async throws -> Int
    func square(_ value: Int) throws -> Int
}

/// `count` numbers from `start`, each made when pulled.
func countingStream(from start: Int, count: Int) -> AsyncThrowingStream<Int, any Error> {
    let next = Locked(start)
    return AsyncThrowingStream {
        next.withLock { next in
            guard next < start + count else { return nil }
            defer { next += 1 }
            return next
        }
    }
}

/// Blocks the calling thread until a byte can be read from the FIFO at `path`.
///
/// Opened to read and write (on Linux that open never blocks): holding a write end itself, the
/// call's read waits for a byte and nothing else. Opened to read only, a writer's close read
/// as the end, so a probe that opens and closes the FIFO (`fifoHasReader`) woke the call, and
/// a release written while it went round to open again was lost with the pipe.
func waitAtFIFO(_ path: String) {
    let fifo = open(path, O_RDWR)
    precondition(fifo >= 0, "cannot open the FIFO at \(path): errno \(errno)")
    var byte: UInt8 = 0
    while read(fifo, &byte, 1) != 1 {
        precondition(errno == EINTR, "cannot read the FIFO at \(path): errno \(errno)")
    }
    close(fifo)
}

extension Feed {
    func numbers(from start: Int, count: Int) async throws -> AsyncThrowingStream<Int, any Error> {
        countingStream(from: start, count: count)
    }

    func gated(count: Int, gate: String) async throws -> AsyncThrowingStream<Int, any Error> {
        AsyncThrowingStream { continuation in
            Thread {
                for value in 0..<count {
                    if value > 0 { waitAtFIFO(gate) }
                    continuation.yield(value)
                }
                continuation.finish()
            }.start()
        }
    }

    func failing(after count: Int, opaquely: Bool) async throws -> AsyncThrowingStream<Int, any Error> {
        AsyncThrowingStream { continuation in
            for value in 0..<count { continuation.yield(value) }
            continuation.finish(throwing: opaquely ? OpaqueFailure() as any Error : FeedError.brokenAt(count))
        }
    }

    func refuse() async throws -> AsyncThrowingStream<Int, any Error> {
        throw FeedError.refused
    }

    func dying(gate: String, status: Int32) async throws -> AsyncThrowingStream<Int, any Error> {
        let next = Locked(0)
        return AsyncThrowingStream {
            let value = next.withLock { next in
                defer { next += 1 }
                return next
            }
            if value == 2 {
                waitAtFIFO(gate)
                Foundation.exit(status)
            }
            return value
        }
    }

    func endless(ready: Int, stopped: String) async throws -> AsyncThrowingStream<Int, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: Int.self)
        continuation.onTermination = { _ in
            _ = FileManager.default.createFile(atPath: stopped, contents: nil)
        }
        for value in 0..<ready { continuation.yield(value) }
        return stream
    }

    func producersWaitingForCredit() async throws -> Int {
        StreamCredit.waitingProducers.load(ordering: .relaxed)
    }

    func fragile(count: Int, failingAt: Int) async throws -> AsyncThrowingStream<Fragile, any Error> {
        AsyncThrowingStream { continuation in
            for value in 0..<count { continuation.yield(Fragile(value: value, failsToEncode: value == failingAt)) }
            continuation.finish()
        }
    }

    func sum(of source: any NumberSource, count: Int) async throws -> Int {
        var sum = 0
        for try await value in try await source.numbers(from: 1, count: count) { sum += value }
        return sum
    }

    func ping() async throws -> Int { 1 }

    func square(_ value: Int) throws -> Int { value * value }
}

/// A feed whose `counting()` stream counts what it made in `made`.
protocol CountsProduction {
    var made: ProductionCount { get }
}

extension CountsProduction {
    func counting() async throws -> AsyncThrowingStream<Int, any Error> {
        let made = made
        return AsyncThrowingStream { made.next() }
    }

    func countingBlobs(bytes: Int) async throws -> AsyncThrowingStream<Data, any Error> {
        let made = made
        return AsyncThrowingStream {
            _ = made.next()
            return Data(count: bytes)
        }
    }

    func produced() async throws -> Int { made.value }
}

/// Runs one call at a time, the default.
final class LocalFeed: Feed, CountsProduction {
    let made = ProductionCount()
    init() {}
}

/// Runs every call in a task of its own.
final class ConcurrentFeed: Feed, CountsProduction, BridgeConcurrentCalls, Sendable {
    let made = ProductionCount()
    init() {}
}

/// Counts up, from any thread.
final class ProductionCount: Sendable {
    private let count = Locked(0)

    var value: Int { count.withLock { $0 } }

    /// The current count; then counts one more.
    func next() -> Int {
        count.withLock { count in
            defer { count += 1 }
            return count
        }
    }
}
