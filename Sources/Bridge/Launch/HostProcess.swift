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
    /// Turns readable once the process has ended; nil where the system has none.
    package let exitDescriptor: FileDescriptor?

    /// The host's `BridgeLimits.addressSpace`, which explains a crash.
    package let addressSpaceLimit: Int?

    /// Called with the termination just before it is set.
    private let onExit: (@Sendable (HostTermination) -> Void)?
    /// Why the bridge killed the host, when it did (`kill(because:)`).
    private let killReason = Locked<String?>(nil)

    /// - Parameter id: A child of this process, not yet reaped.
    package init(id: ProcessID, addressSpaceLimit: Int? = nil, onExit: (@Sendable (HostTermination) -> Void)? = nil) {
        self.id = id
        self.addressSpaceLimit = addressSpaceLimit
        self.onExit = onExit
        self.exitDescriptor = System.processExitDescriptor(id)
    }

    deinit {
        if let exitDescriptor { System.close(exitDescriptor) }
    }

    /// Reaps the process after its end of the socket closed. The kernel closes descriptors
    /// a moment before the process becomes reapable, so this waits for it, on the process's
    /// exit descriptor where there is one (else polling briefly); a host that closed the
    /// socket yet lives on after a second is broken, and is killed.
    package func reapAfterDisconnect() {
        if let exitDescriptor {
            if System.waitForExit(exitDescriptor, timeout: .seconds(1)), let status = System.reap(id, block: false) {
                finish(status)
                return
            }
            killAsBroken()
            finish(System.reap(id, block: true) ?? .unknown)
            return
        }
        var delay: UInt32 = 50  // microseconds
        var waited: UInt32 = 0
        while waited < 1_000_000 {
            if let status = System.reap(id, block: false) {
                finish(status)
                return
            }
            usleep(delay)
            waited += delay
            delay = min(delay * 2, 20_000)
        }
        killAsBroken()
        finish(System.reap(id, block: true) ?? .unknown)
    }

    private func killAsBroken() {
        kill(because: "as it closed its connection to this process yet did not exit within a second")
    }

    /// Reports the end before publishing it, so that whoever waits for it sees the report first.
    private func finish(_ status: HostTermination) {
        onExit?(status)
        termination.set(status)
    }

    /// Whether the process has ended: reaped, or dead and not yet reaped (its exit descriptor
    /// says so at once, before the reaper runs). Costs a `poll` where there is an exit
    /// descriptor: not for every call.
    package var hasEnded: Bool {
        if termination.value != nil { return true }
        guard let exitDescriptor else { return false }
        return System.waitForExit(exitDescriptor, timeout: .zero)
    }

    /// Whether the process is stopped (`SIGSTOP`, a debugger) and not yet reaped.
    package var isStopped: Bool {
        termination.value == nil && System.isStopped(id)
    }

    /// Sends `signal` unless the process was already reaped (its id may belong to another
    /// process by then).
    /// Kills the host (`SIGKILL`), noting why for the errors its end gives.
    /// - Parameter reason: The end of a sentence that starts "the bridge killed it".
    package func kill(because reason: String) {
        killReason.withLock { $0 = reason }
        send(System.killSignal)
    }

    /// Why the bridge killed the host, if it did: "as it answered no ping within 2.0 seconds".
    package var killedBecause: String? { killReason.withLock { $0 } }

    package func send(_ signal: CInt) {
        guard termination.value == nil else { return }
        System.signal(id, signal)
    }
}
