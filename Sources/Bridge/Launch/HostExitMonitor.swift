import Foundation

/// The one thread that watches every host's exit (its pidfd) and, when a host ends, makes its
/// connection see the end at once (`_BridgeConnection.disconnect()`), after whatever the host
/// wrote before it ended.
///
/// A socket sees its end only when every process holding the host's end has closed it. A host
/// whose object started a process that inherited its descriptors, and that outlives it, would
/// otherwise leave a reader waiting for as long as that process lives. Where the system has no
/// pidfd (Linux before 5.3), a reader sees the end with the socket's, as before.
final class HostExitMonitor: Sendable {
    static let shared = HostExitMonitor()

    /// What to do when a host ends; kept until it has.
    private struct Watch: Sendable {
        var host: HostProcess  // holds the pidfd open while it is watched
        var exitDescriptor: FileDescriptor
        var onExit: @Sendable () -> Void
    }

    /// The watches by the host's pidfd, and the signal that makes the thread look at them
    /// again; the thread starts with the first watch.
    private let state = Locked<(watches: [CInt: Watch], wakeUp: WakeUpSignal?)>(([:], nil))

    private init() {}

    /// Calls `onExit` once `host` has ended (from the monitor's thread), if the system can tell.
    func watch(_ host: HostProcess, onExit: @escaping @Sendable () -> Void) {
        guard let exitDescriptor = host.exitDescriptor else { return }
        let (wakeUp, startsThread) = state.withLock { state -> (WakeUpSignal?, Bool) in
            state.watches[exitDescriptor.rawValue] = Watch(host: host, exitDescriptor: exitDescriptor, onExit: onExit)
            if state.wakeUp == nil {
                state.wakeUp = try? System.makeWakeUpSignal()
                return (state.wakeUp, state.wakeUp != nil)
            }
            return (state.wakeUp, false)
        }
        guard let wakeUp else { return }  // out of descriptors: the socket's end still shows
        if startsThread {
            let thread = Thread { [self] in run(wakeUp) }
            thread.name = "swift-process-bridge exit monitor"
            thread.start()
        } else {
            System.signal(wakeUp)
        }
    }

    private func run(_ wakeUp: WakeUpSignal) {
        while true {
            let watches = state.withLock { Array($0.watches.values) }
            let descriptors = [System.waitingEnd(of: wakeUp)] + watches.map(\.exitDescriptor)
            guard let ready = try? System.waitReadable(descriptors) else { continue }
            if ready[0] { System.drain(wakeUp) }
            for (watch, ended) in zip(watches, ready.dropFirst()) where ended {
                _ = state.withLock { $0.watches.removeValue(forKey: watch.exitDescriptor.rawValue) }
                watch.onExit()
            }
        }
    }
}
