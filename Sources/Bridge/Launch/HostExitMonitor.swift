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
        var owner: any ConnectionPeer  // holds the exit descriptor open while it is watched
        var exitDescriptor: FileDescriptor
        var onExit: @Sendable () -> Void
    }

    /// The watches by exit descriptor, and the signal that makes the thread look at them again;
    /// the thread starts with the first watch.
    private let state = Locked<(watches: [CInt: Watch], wakeUp: WakeUpSignal?)>(([:], nil))

    private init() {}

    /// Calls `onExit` (on the monitor's thread) once `exitDescriptor`, which `owner` keeps
    /// open, shows that its process has ended.
    /// - Throws: `SystemError` if the monitor's wake-up signal cannot be made.
    func watch(_ exitDescriptor: FileDescriptor, of owner: any ConnectionPeer, onExit: @escaping @Sendable () -> Void) throws(SystemError) {
        let (wakeUp, startsThread) = try state.withLock { state throws(SystemError) -> (WakeUpSignal, Bool) in
            let startsThread = state.wakeUp == nil
            let wakeUp: WakeUpSignal
            if let existing = state.wakeUp {
                wakeUp = existing
            } else {
                wakeUp = try System.makeWakeUpSignal()
                state.wakeUp = wakeUp
            }
            state.watches[exitDescriptor.rawValue] = Watch(owner: owner, exitDescriptor: exitDescriptor, onExit: onExit)
            return (wakeUp, startsThread)
        }
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
            guard let ready = try? System.waitReadable(descriptors) else {
                // poll(2) fails only for want of memory, or past RLIMIT_NOFILE descriptors, and
                // trying again at once would spin. These hosts are watched no more: their
                // connections still see their end when the socket closes.
                state.withLock { state in
                    for watch in watches { state.watches.removeValue(forKey: watch.exitDescriptor.rawValue) }
                }
                continue
            }
            if ready[0] { System.drain(wakeUp) }
            for (watch, ended) in zip(watches, ready.dropFirst()) where ended {
                _ = state.withLock { $0.watches.removeValue(forKey: watch.exitDescriptor.rawValue) }
                watch.onExit()
            }
        }
    }
}
