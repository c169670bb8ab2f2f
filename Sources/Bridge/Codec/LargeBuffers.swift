
/// Byte arrays of 64 KiB or more, kept after use so that large frames reuse memory the process
/// already touched. Fresh large allocations are what makes a megabyte slow: the allocator
/// hands such memory back to the kernel on free, and every page of the next one faults in
/// zeroed. A few arrays are kept, process-wide.
package enum LargeBuffers {
    /// The size from which buffers are pooled and `Data` is decoded without a copy.
    package static let threshold = 64 << 10
    private static let keptAtMost = 4
    private static let pool = Locked<[[UInt8]]>([])

    /// An empty array with room for at least `capacity` bytes, reused if one is kept.
    package static func take(capacity: Int) -> [UInt8] {
        var array = reused(capacity: capacity) ?? []
        array.removeAll(keepingCapacity: true)
        array.reserveCapacity(capacity)
        return array
    }

    /// An array of `count` bytes whose contents are undefined (left from earlier use, or
    /// zero), for a read to overwrite.
    package static func take(count: Int) -> [UInt8] {
        guard var array = reused(capacity: count) else { return [UInt8](repeating: 0, count: count) }
        if array.count > count {
            array.removeLast(array.count - count)
        } else if array.count < count {
            array.appendZeros(count - array.count)
        }
        return array
    }

    private static func reused(capacity: Int) -> [UInt8]? {
        pool.withLock { pool in
            pool.firstIndex(where: { $0.capacity >= capacity }).map { pool.remove(at: $0) }
        }
    }

    /// Keeps `array`'s storage for a later `take`, if it is large and there is room.
    package static func recycle(_ array: [UInt8]) {
        guard array.capacity >= threshold else { return }
        pool.withLock { pool in
            if pool.count < keptAtMost { pool.append(array) }
        }
    }
}

extension [UInt8] {
    /// Appends `count` zero bytes, copied from a zeroed block, so that the copy is the standard
    /// library's `memcpy` in any build. Appending `repeatElement(0, count:)` goes element by
    /// element through a generic iterator, which a debug build does not specialize: growing a
    /// reused buffer to 64 MiB took the event loop 10-20 s on a busy 2-core machine, and every
    /// connection it read for waited (the test suite stalled for that long).
    package mutating func appendZeros(_ count: Int) {
        var left = count
        while left > 0 {
            let piece = Swift.min(left, ZeroBlock.size)
            append(contentsOf: UnsafeBufferPointer(start: ZeroBlock.bytes, count: piece))
            left -= piece
        }
    }
}

/// 64 KiB of zeros, allocated once.
private enum ZeroBlock {
    static let size = 64 << 10
    nonisolated(unsafe) static let bytes: UnsafePointer<UInt8> = {
        let block = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
        block.initialize(repeating: 0, count: size)
        return UnsafePointer(block)
    }()
}
