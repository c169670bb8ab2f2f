/// Storage for small frames, kept per thread: once a frame is written or its payload decoded,
/// its storage serves the next frame that thread builds or reads. A fresh array costs an
/// allocation and, on Linux, a run-time metadata lookup, and a call needs two at each end.
///
/// Storage comes back from the party that used the bytes last, handing it over explicitly;
/// it is never found unused by looking at reference counts. A thread that reused what another
/// thread had just let go of would race with that thread's reads, as far as
/// ThreadSanitizer can tell.
package enum FrameStorage {
    /// The most a kept array may hold: a typical call fits many times over, and a thread that
    /// once moved a large message does not keep its memory.
    static let keptCapacity = 16 << 10

    /// Two arrays per thread: a callee holds a call's payload while it builds the reply.
    private struct Kept {
        var first: [UInt8] = []
        var second: [UInt8] = []
    }

    private static let kept = System.ThreadLocal { Kept() }

    /// An empty array with room for at least `capacity` bytes: one the calling thread kept
    /// when it is large enough, else a fresh one.
    package static func take(capacity: Int) -> [UInt8] {
        var storage: [UInt8] = []
        if capacity <= keptCapacity {
            kept.withValue { kept in
                if kept.first.capacity >= capacity {
                    swap(&storage, &kept.first)
                } else if kept.second.capacity >= capacity {
                    swap(&storage, &kept.second)
                }
            }
        }
        storage.reserveCapacity(capacity)
        return storage
    }

    /// Takes back the storage of a frame that the caller has sent, and no longer uses: small
    /// storage is kept for the calling thread, large storage goes to `LargeBuffers`.
    package static func keepSent(_ storage: consuming [UInt8]) {
        if storage.capacity >= LargeBuffers.threshold {
            LargeBuffers.recycle(storage)
        } else {
            keep(storage)
        }
    }

    /// Takes back the storage of a frame that the caller has written or decoded, and no longer
    /// uses, for the calling thread's next `take`; larger storage is left to be freed.
    package static func keep(_ storage: consuming [UInt8]) {
        let capacity = storage.capacity
        guard capacity <= keptCapacity else { return }
        // Emptied here, where the caller vouches that nobody else uses it: when another
        // reference remains after all, this allocates instead of writing into shared storage.
        storage.removeAll(keepingCapacity: true)
        kept.withValue { kept in
            if kept.first.capacity < capacity && kept.first.capacity <= kept.second.capacity {
                kept.first = storage
            } else if kept.second.capacity < capacity {
                kept.second = storage
            }
        }
    }
}
