#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CBridge

// Waiting for a wake-up or for the other process to go.

extension System {
    /// Waits until `wakeUp` is signalled or, if `socket` is given, its peer closed its end.
    /// Data arriving on the socket does not end the wait, but waiting on the socket puts the
    /// thread on its wait queue, which every arriving message then pays for.
    /// - Returns: Whether the peer is gone (or the wait failed).
    package static func wait(for wakeUp: WakeUpSignal, orPeerClosing socket: FileDescriptor?) -> Bool {
        var entries = [pollfd(fd: wakeUp.waitingEnd.rawValue, events: Int16(POLLIN), revents: 0)]
        if let socket { entries.append(pollfd(fd: socket.rawValue, events: cbridge_poll_peer_closed(), revents: 0)) }
        guard case .success = valueOrErrno(retryingOnInterrupt: { platformPoll(&entries, nfds_t(entries.count), -1) }) else {
            return true
        }
        if entries[0].revents != 0 { drain(wakeUp) }
        return entries.count > 1 && entries[1].revents != 0
    }

    /// Waits until `descriptor` (from `processExitDescriptor`) shows its process ended, at
    /// most `timeout`.
    /// - Returns: Whether the process ended in time.
    package static func waitForExit(_ descriptor: FileDescriptor, timeout: Duration) -> Bool {
        var entry = pollfd(fd: descriptor.rawValue, events: Int16(POLLIN), revents: 0)
        let milliseconds = CInt(clamping: timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        guard case .success(let ready) = valueOrErrno(retryingOnInterrupt: { platformPoll(&entry, 1, milliseconds) }) else { return false }
        return ready > 0
    }

    /// A descriptor that turns readable once `process`, a child not yet reaped, has ended; nil
    /// where the system has none (Linux before 5.3, Darwin).
    package static func processExitDescriptor(_ process: ProcessID) -> FileDescriptor? {
        let descriptor = cbridge_process_exit_descriptor(process)
        return descriptor >= 0 ? FileDescriptor(rawValue: descriptor) : nil
    }

    /// A new signal one thread sends and another waits for with `wait(for:orPeerClosing:)`.
    package static func makeWakeUpSignal() throws(SystemError) -> WakeUpSignal {
        #if canImport(Glibc)
        let descriptor = cbridge_eventfd()
        guard descriptor >= 0 else { throw SystemError("eventfd", code: errno) }
        return WakeUpSignal(waitingEnd: FileDescriptor(rawValue: descriptor), signallingEnd: FileDescriptor(rawValue: descriptor))
        #else
        let (waiting, signalling) = try socketPair()
        _ = fcntl(waiting.rawValue, F_SETFL, O_NONBLOCK)
        _ = fcntl(signalling.rawValue, F_SETFL, O_NONBLOCK)
        return WakeUpSignal(waitingEnd: waiting, signallingEnd: signalling)
        #endif
    }

    /// Ends the current or next `wait(for:orPeerClosing:)` on `wakeUp`.
    package static func signal(_ wakeUp: WakeUpSignal) {
        var one: UInt64 = 1
        _ = platformWrite(wakeUp.signallingEnd.rawValue, &one, MemoryLayout<UInt64>.size)
    }

    package static func close(_ wakeUp: WakeUpSignal) {
        close(wakeUp.waitingEnd)
        if wakeUp.signallingEnd != wakeUp.waitingEnd { close(wakeUp.signallingEnd) }
    }

    /// The descriptor a wait watches for `wakeUp` (with `waitReadable`).
    package static func waitingEnd(of wakeUp: WakeUpSignal) -> FileDescriptor { wakeUp.waitingEnd }

    /// Empties `wakeUp` after a wait saw it, so that the next wait does not see it again.
    package static func drain(_ wakeUp: WakeUpSignal) {
        var drained: UInt64 = 0
        _ = platformRead(wakeUp.waitingEnd.rawValue, &drained, MemoryLayout<UInt64>.size)
    }

    /// Stops further sends and receives, which wakes a thread blocked in `read` on it.
    package static func shutdown(_ descriptor: FileDescriptor) {
        #if canImport(Glibc)
        _ = Glibc.shutdown(descriptor.rawValue, CInt(SHUT_RDWR))
        #else
        _ = Darwin.shutdown(descriptor.rawValue, SHUT_RDWR)
        #endif
    }
}
