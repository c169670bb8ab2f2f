/// A value that one thread at a time reads or changes, under a lock.
///
/// Not `Synchronization.Mutex`: on Linux its lock is a futex inside a library that
/// ThreadSanitizer does not instrument, so the sanitizer cannot see it and reports the accesses
/// it guards as races. This lock is the platform's mutex, which sanitizers understand.
package final class Locked<Value>: @unchecked Sendable {
    private let lock = System.makeLock()
    /// Unchecked for exclusivity (SE-0176): the lock already makes every access exclusive, and
    /// the run-time check would cost each `withLock` more than the lock does.
    @exclusivity(unchecked) private var value: Value

    package init(_ value: Value) { self.value = value }

    deinit { System.destroy(lock) }

    /// Runs `body` with the value, holding the lock.
    package func withLock<Result, Failure: Error>(_ body: (inout Value) throws(Failure) -> Result) throws(Failure) -> Result {
        System.lock(lock)
        defer { System.unlock(lock) }
        return try body(&value)
    }
}

/// A lock that guards no value: for writes to a socket that must not interleave.
///
/// Not `Locked<Void>`: ThreadSanitizer takes the empty value's access, at the address of the
/// lock stored before it, for a race with reading the lock.
package final class Lock: @unchecked Sendable {
    private let lock = System.makeLock()

    package init() {}

    deinit { System.destroy(lock) }

    /// Runs `body` holding the lock.
    package func withLock<Result, Failure: Error>(_ body: () throws(Failure) -> Result) throws(Failure) -> Result {
        System.lock(lock)
        defer { System.unlock(lock) }
        return try body()
    }
}
