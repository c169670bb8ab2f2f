#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CBridge

// Wake-up signals, and waiting for the other process to go.

extension System {
    /// Waits until `descriptor` (from `processExitDescriptor`) shows its process ended, at
    /// most `timeout`.
    /// - Returns: Whether the process ended in time.
    package static func waitForExit(_ descriptor: FileDescriptor, timeout: Duration) -> Bool {
        var entry = pollfd(fd: descriptor.rawValue, events: Int16(POLLIN), revents: 0)
        guard case .success(let ready) = valueOrErrno(retryingOnInterrupt: { platformPoll(&entry, 1, pollMilliseconds(timeout)) }) else { return false }
        return ready > 0
    }

    /// A descriptor that turns readable once `process`, a child not yet reaped, has ended; nil
    /// where the system has none (Linux before 5.3, Darwin).
    package static func processExitDescriptor(_ process: ProcessID) -> FileDescriptor? {
        let descriptor = cbridge_process_exit_descriptor(process)
        return descriptor >= 0 ? FileDescriptor(rawValue: descriptor) : nil
    }

    /// A new signal one thread sends and the event loop waits for (`EventPoller`).
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

    /// Wakes whoever waits for `wakeUp`, now or next.
    package static func signal(_ wakeUp: WakeUpSignal) {
        var one: UInt64 = 1
        _ = platformWrite(wakeUp.signallingEnd.rawValue, &one, MemoryLayout<UInt64>.size)
    }

    package static func close(_ wakeUp: WakeUpSignal) {
        close(wakeUp.waitingEnd)
        if wakeUp.signallingEnd != wakeUp.waitingEnd { close(wakeUp.signallingEnd) }
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
