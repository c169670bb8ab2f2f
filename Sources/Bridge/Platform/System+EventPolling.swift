#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CBridge

// Waiting on many descriptors at once, for the one event loop that serves every bridge.

extension System {
    /// What a watched descriptor is watched for.
    package struct PollEvents: OptionSet, Sendable {
        package let rawValue: UInt32
        package init(rawValue: UInt32) { self.rawValue = rawValue }

        /// Bytes to read, the end of the stream, or (for a pidfd) the process's end.
        package static let readable = PollEvents(rawValue: 1 << 0)
        /// The peer closed its end of a socket; data arriving does not count.
        package static let peerClosed = PollEvents(rawValue: 1 << 1)
    }

    /// A set of watched descriptors and a wait for any of them: epoll on Linux, `poll(2)` over
    /// the registered list elsewhere. Level-triggered: a descriptor that stays ready is
    /// reported again by the next wait. Registration may come from any thread; waits from one.
    package final class EventPoller: @unchecked Sendable {  // the list is behind `registered`'s lock
        /// A ready descriptor: the token it was registered with, and what it is ready for
        /// (hang-ups and errors count as both).
        package struct Ready: Sendable {
            package var token: UInt64
            package var events: PollEvents
        }

        #if os(Linux)
        private let epoll: CInt
        #else
        private let registered = Locked<[CInt: (token: UInt64, events: PollEvents)]>([:])
        /// Signalled when `registered` changes, so that a wait in progress starts again with
        /// the new list (epoll sees changes by itself).
        private let changed: WakeUpSignal
        #endif

        package init() throws(SystemError) {
            #if os(Linux)
            epoll = epoll_create1(CInt(EPOLL_CLOEXEC))
            guard epoll >= 0 else { throw SystemError("epoll_create1", code: errno) }
            #else
            changed = try System.makeWakeUpSignal()
            #endif
        }

        deinit {
            #if os(Linux)
            _ = platformClose(epoll)
            #else
            System.close(changed)
            #endif
        }

        /// Starts watching `descriptor`.
        package func watch(_ descriptor: FileDescriptor, for events: PollEvents, token: UInt64) {
            control(.add, descriptor, events, token)
        }

        /// Changes what a watched `descriptor` is watched for.
        package func rewatch(_ descriptor: FileDescriptor, for events: PollEvents, token: UInt64) {
            control(.modify, descriptor, events, token)
        }

        private enum Control { case add, modify }

        private func control(_ control: Control, _ descriptor: FileDescriptor, _ events: PollEvents, _ token: UInt64) {
            #if os(Linux)
            var event = epoll_event()
            event.events = Self.epollEvents(events)
            event.data.u64 = token
            _ = epoll_ctl(epoll, control == .add ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, descriptor.rawValue, &event)
            #else
            registered.withLock { $0[descriptor.rawValue] = (token, events) }
            System.signal(changed)
            #endif
        }

        /// Stops watching `descriptor`; call before closing it.
        package func stopWatching(_ descriptor: FileDescriptor) {
            #if os(Linux)
            var event = epoll_event()
            _ = epoll_ctl(epoll, EPOLL_CTL_DEL, descriptor.rawValue, &event)
            #else
            _ = registered.withLock { $0.removeValue(forKey: descriptor.rawValue) }
            System.signal(changed)
            #endif
        }

        /// Waits until at least one watched descriptor is ready, or `timeout` (whole
        /// milliseconds, rounded up) passes; nil waits for ever.
        /// - Returns: The ready ones (none when the time ran out).
        /// - Throws: `SystemError` if the wait failed (a bad descriptor, or no memory).
        package func wait(timeout: Duration? = nil, capacity: Int = 64) throws(SystemError) -> [Ready] {
            let milliseconds = timeout.map(System.pollMilliseconds) ?? -1
            #if os(Linux)
            var events = [epoll_event](repeating: epoll_event(), count: capacity)
            let count = try System.retryingOnInterrupt("epoll_wait") { epoll_wait(epoll, &events, CInt(capacity), milliseconds) }
            return events.prefix(Int(count)).map { event in
                var ready: PollEvents = []
                if event.events & (EPOLLIN.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 { ready.insert(.readable) }
                if event.events & (EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 { ready.insert(.peerClosed) }
                return Ready(token: event.data.u64, events: ready)
            }
            #else
            let watched = registered.withLock { Array($0.filter { !$0.value.events.isEmpty }) }
            var entries = [pollfd(fd: changed.waitingEnd.rawValue, events: Int16(POLLIN), revents: 0)]
            entries += watched.map { entry in
                var events: Int16 = 0
                if entry.value.events.contains(.readable) { events |= Int16(POLLIN) }
                if entry.value.events.contains(.peerClosed) { events |= Int16(cbridge_poll_peer_closed()) }
                return pollfd(fd: entry.key, events: events, revents: 0)
            }
            _ = try System.retryingOnInterrupt("poll") { platformPoll(&entries, nfds_t(entries.count), milliseconds) }
            if entries[0].revents != 0 { System.drain(changed) }
            return zip(watched, entries.dropFirst()).compactMap { watched, entry in
                entry.revents == 0 ? nil : Ready(token: watched.value.token, events: watched.value.events)
            }
            #endif
        }

        #if os(Linux)
        private static func epollEvents(_ events: PollEvents) -> UInt32 {
            var raw: UInt32 = 0
            if events.contains(.readable) { raw |= EPOLLIN.rawValue }
            if events.contains(.peerClosed) { raw |= EPOLLRDHUP.rawValue }
            return raw
        }
        #endif
    }

    /// Empties a wake-up signal after a wait reported it, so that it is not reported again.
    package static func drain(_ wakeUp: WakeUpSignal) {
        var drained: UInt64 = 0
        _ = platformRead(wakeUp.waitingEnd.rawValue, &drained, MemoryLayout<UInt64>.size)
    }

    /// The descriptor a wait watches for a wake-up signal.
    package static func waitingEnd(of wakeUp: WakeUpSignal) -> FileDescriptor { wakeUp.waitingEnd }
}
