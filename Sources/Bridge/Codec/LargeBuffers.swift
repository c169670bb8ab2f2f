
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
            array += repeatElement(0, count: count - array.count)
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
