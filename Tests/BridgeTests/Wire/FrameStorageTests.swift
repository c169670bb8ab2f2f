@testable import Bridge
import Testing

/// Frames reuse the storage of earlier ones on the same thread; a large one's is not kept.
@Suite struct FrameStorageTests {
    private static func address(of bytes: [UInt8]) -> Int {
        bytes.withUnsafeBytes { Int(bitPattern: $0.baseAddress) }
    }

    @Test func storageHandedBackServesTheNextFrameOfItsThread() async {
        let (first, second, third, nextWasEmpty) = await onOwnThread { () -> (Int, Int, Int, Bool) in
            var frame = FrameStorage.take(capacity: 100)
            frame.append(contentsOf: 0..<100)
            let first = Self.address(of: frame)
            FrameStorage.keep(consume frame)
            var next = FrameStorage.take(capacity: 40)
            let nextWasEmpty = next.isEmpty
            next.append(7)
            let second = Self.address(of: next)
            // Not handed back: the next frame needs fresh storage.
            var other = FrameStorage.take(capacity: 40)
            other.append(8)
            return (first, second, Self.address(of: other), nextWasEmpty)
        }
        #expect(nextWasEmpty)
        #expect(first == second)
        #expect(third != first)
    }

    @Test func largeStorageIsNotKept() async {
        let (large, next) = await onOwnThread { () -> (Int, Int) in
            var frame = FrameStorage.take(capacity: 1 << 20)
            frame.append(contentsOf: repeatElement(1, count: 1 << 20))
            let address = Self.address(of: frame)
            FrameStorage.keep(consume frame)
            return (address, FrameStorage.take(capacity: 16).capacity)
        }
        #expect(large != 0)
        #expect(next < 1 << 20)
    }
}
