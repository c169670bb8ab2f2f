@testable import Bridge
import Testing

/// Frames reuse the storage of earlier ones on the same thread, without ever writing into
/// storage that something still reads.
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

    @Test func storageStillSharedIsNeverWrittenInto() async {
        let (kept, reusedAddress, keptAddress) = await onOwnThread { () -> ([UInt8], Int, Int) in
            var frame = FrameStorage.take(capacity: 64)
            frame.append(contentsOf: 1...50)
            let stillRead = frame  // a second owner, as if a result kept the payload
            FrameStorage.keep(consume frame)
            var next = FrameStorage.take(capacity: 64)
            next.append(contentsOf: repeatElement(0xFF, count: 50))
            return (stillRead, Self.address(of: next), Self.address(of: stillRead))
        }
        #expect(kept == Array(1...50))
        #expect(reusedAddress != keptAddress)
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
