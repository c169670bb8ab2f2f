#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A started host process: its id and, once it ended and was reaped, how it ended.
package final class HostProcess: Sendable {
    package let id: ProcessID
    /// Set once, by the thread that reaps the process.
    package let termination = OneShot<HostTermination>()

    package init(id: ProcessID) { self.id = id }

    /// Reaps the process after its end of the socket closed. The kernel closes descriptors
    /// a moment before the process becomes reapable, so this polls briefly; a host that closed
    /// the socket yet lives on after a second is broken, and is killed.
    package func reapAfterDisconnect() {
        var delay: UInt32 = 50  // microseconds
        var waited: UInt32 = 0
        while waited < 1_000_000 {
            if let status = System.reap(id, block: false) {
                termination.set(status)
                return
            }
            usleep(delay)
            waited += delay
            delay = min(delay * 2, 20_000)
        }
        System.signal(id, System.killSignal)
        termination.set(System.reap(id, block: true) ?? .unknown)
    }

    /// Sends `signal` unless the process was already reaped (its id may belong to another
    /// process by then).
    package func send(_ signal: CInt) {
        guard termination.value == nil else { return }
        System.signal(id, signal)
    }
}
