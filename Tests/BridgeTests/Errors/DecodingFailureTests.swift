import Bridge
import Foundation
import Testing

/// A value whose `init(from:)` refuses what its own `encode(to:)` may write: a negative count.
struct PositiveCount: Codable, Sendable, Equatable {
    var value: Int
    init(_ value: Int) { self.value = value }
    init(from decoder: any Decoder) throws {
        value = try decoder.singleValueContainer().decode(Int.self)
        if value < 0 {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "a count cannot be negative"))
        }
    }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

protocol Counting: Bridged {
    func count(_ value: Int) async throws -> PositiveCount
    func counts(_ values: [Int]) async throws -> AsyncThrowingStream<PositiveCount, any Error>
}

final class LocalCounting: Counting {
    init() {}
    func count(_ value: Int) async throws -> PositiveCount { PositiveCount(value) }
    func counts(_ values: [Int]) async throws -> AsyncThrowingStream<PositiveCount, any Error> {
        AsyncThrowingStream { continuation in
            for value in values { continuation.yield(PositiveCount(value)) }
            continuation.finish()
        }
    }
}

/// A result or an element that arrives whole but that its type refuses is not a malformed
/// message: the call fails with `decodingFailed`, and the same host serves on.
@Suite struct DecodingFailureTests {
    @Test func aResultItsTypeRefusesFailsThatCallAlone() async throws {
        let bridge = try await Bridge<LocalCounting>.start()
        let error = await #expect(throws: BridgeError.self) { try await bridge.client.count(-5) }
        #expect(error?.code == .decodingFailed)
        #expect(error?.message.contains("a count cannot be negative") == true)
        #expect(error?.message.contains("stays usable") == true)
        #expect(error?.method?.hasPrefix("count(") == true)
        // The same host answers the next call.
        let processID = bridge.processID
        #expect(try await bridge.client.count(3) == PositiveCount(3))
        #expect(bridge.processID == processID)
        #expect(bridge.termination == nil)
        await bridge.stop()
    }

    @Test func anElementItsTypeRefusesEndsThatStreamAlone() async throws {
        let bridge = try await Bridge<LocalCounting>.start()
        var received: [Int] = []
        let error = await #expect(throws: BridgeError.self) {
            for try await count in try await bridge.client.counts([1, 2, -1, 4]) { received.append(count.value) }
        }
        #expect(received == [1, 2])
        #expect(error?.code == .decodingFailed)
        #expect(error?.message.contains("the stream ended") == true)
        #expect(try await bridge.client.count(7) == PositiveCount(7))
        #expect(bridge.termination == nil)
        await bridge.stop()
    }
}
