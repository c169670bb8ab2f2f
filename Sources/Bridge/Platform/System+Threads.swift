#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CBridge

// Locks and per-thread values.

extension System {
    // MARK: CPUs

    /// Whether this process runs on one CPU, as its first bridge found it: the affinity of
    /// the thread that started that bridge holds one CPU (`taskset -c 0`, a container's
    /// one-CPU cpuset, a machine of one). Read once, as the concurrency pool reads its own
    /// size once, when it starts; a process pinned between the two gets the pool's size wrong
    /// here, and falls back (`CallCompany`).
    package static let runsOnOneCPU = cbridge_allowed_cpu_count() == 1

    // MARK: Locks

    /// A platform mutex, for `Locked`.
    package typealias PlatformLock = UnsafeMutablePointer<pthread_mutex_t>

    package static func makeLock() -> PlatformLock {
        let lock = PlatformLock.allocate(capacity: 1)
        lock.initialize(to: pthread_mutex_t())
        pthread_mutex_init(lock, nil)
        return lock
    }

    package static func lock(_ lock: PlatformLock) { pthread_mutex_lock(lock) }
    package static func unlock(_ lock: PlatformLock) { pthread_mutex_unlock(lock) }

    package static func destroy(_ lock: PlatformLock) {
        pthread_mutex_destroy(lock)
        lock.deinitialize(count: 1)
        lock.deallocate()
    }

    // MARK: Per-thread values

    /// A number for the calling thread, unique among the process's running threads.
    package static func currentThreadID() -> UInt {
        #if canImport(Glibc)
        UInt(pthread_self())
        #elseif canImport(Darwin)
        UInt(bitPattern: pthread_self())
        #endif
    }

    /// One value per thread, from a thread's first use until it exits.
    package final class ThreadLocal<Value>: @unchecked Sendable {  // each thread sees its own
        private final class Box {
            // Unchecked for exclusivity (SE-0176): only its own thread ever reaches a box.
            @exclusivity(unchecked) var value: Value
            init(_ value: Value) { self.value = value }
        }

        private let key: pthread_key_t
        private let initial: @Sendable () -> Value

        /// - Parameter initial: Makes a thread's value on its first use.
        package init(initial: @escaping @Sendable () -> Value) {
            var key = pthread_key_t()
            // The box is released when its thread exits.
            #if canImport(Glibc)
            let created = pthread_key_create(&key) { box in
                if let box { Unmanaged<AnyObject>.fromOpaque(box).release() }
            }
            #elseif canImport(Darwin)
            let created = pthread_key_create(&key) { box in Unmanaged<AnyObject>.fromOpaque(box).release() }
            #endif
            precondition(created == 0, "pthread_key_create failed: \(created)")
            self.key = key
            self.initial = initial
        }

        /// Runs `body` with the calling thread's value.
        package func withValue<Result>(_ body: (inout Value) -> Result) -> Result {
            let box: Unmanaged<Box>
            if let existing = pthread_getspecific(key) {
                box = Unmanaged<Box>.fromOpaque(existing)
            } else {
                box = Unmanaged.passRetained(Box(initial()))
                pthread_setspecific(key, box.toOpaque())
            }
            return box._withUnsafeGuaranteedRef { body(&$0.value) }
        }
    }
}
