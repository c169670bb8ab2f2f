import Foundation

/// The one thread that waits on behalf of every bridge of this process: for each host's end
/// (its pidfd, or its socket closing where the system has none) and for each connection's
/// wake-up signal. A process with 256 bridges has this thread and a few reader threads
/// (`ConnectionReaders`), not a thread per bridge.
///
/// - A host's end shuts the connection down (`_BridgeConnection.disconnect()`), whoever reads:
///   a socket sees its end only once every process holding the host's end has closed it, and
///   a host whose object started a process that inherited its descriptors would otherwise
///   leave its parent waiting for as long as that process lives.
/// - A wake-up comes when the reading role went to the connection's own reader and no reader
///   thread was free. The loop then reads the connection itself, without ever waiting on one
///   socket: it reads what the socket holds, keeps a frame that came in part
///   (`FrameReader.nextWithoutWaiting`), and watches the socket for more while it holds the
///   role. (A socket in the poller's set makes every reply that arrives on it pay for the
///   poller's look, also replies that a caller reads itself; measured, that cost 20–30 % on
///   8 calls in flight, so the set holds a socket only while the loop reads it.)
/// - Ending a connection (reaping its host, failing its calls, telling
///   `BridgeOptions.events`) runs on a thread of its own, so that a slow end or a slow event
///   handler holds up no other bridge.
final class BridgeEventLoop: @unchecked Sendable {  // `watched` is behind its lock; `Source`s are the loop thread's
    static let shared = BridgeEventLoop()

    /// A connection the loop watches. Touched by the loop thread only, after its creation.
    private final class Source {
        let connection: _BridgeConnection
        let wakeUp: FileDescriptor
        /// The host's pidfd; nil: the socket closing shows the host's end.
        let hostExit: FileDescriptor?
        /// The loop holds the reading role, and reads until the end of the connection.
        var reading = false
        var untilTheEnd = false
        /// The socket is in the poller's set.
        var socketWatched = false

        init(_ connection: _BridgeConnection) {
            self.connection = connection
            wakeUp = System.waitingEnd(of: connection.wakeUp)
            hostExit = connection.peer.exitDescriptor
        }

        var socket: FileDescriptor { connection.transport.readableDescriptor }

        /// What the socket is watched for: replies while the loop reads, and, without a
        /// pidfd, the host closing its end.
        var socketEvents: System.PollEvents {
            var events: System.PollEvents = reading ? .readable : []
            if hostExit == nil { events.insert(.peerClosed) }
            return events
        }
    }

    /// Which of a source's descriptors a token names: its low two bits.
    private enum Descriptor: UInt64 {
        case wakeUp = 0
        case hostExit = 1
        case socket = 2
    }

    /// The sources by id, the next id, and the poller, made (and the loop's thread started)
    /// by the first `watch`.
    private let watched = Locked<(sources: [UInt64: Source], nextID: UInt64, poller: System.EventPoller?)>(([:], 1, nil))

    private init() {}

    /// Starts watching `connection`: its wake-up signal and its host's end.
    /// - Throws: `SystemError` if the loop's poller cannot be made (out of descriptors); the
    ///   next `watch` tries again.
    func watch(_ connection: _BridgeConnection) throws(SystemError) {
        let source = Source(connection)
        let (id, poller, startsThread) = try watched.withLock { watched throws(SystemError) -> (UInt64, System.EventPoller, Bool) in
            let startsThread = watched.poller == nil
            let poller: System.EventPoller
            if let existing = watched.poller {
                poller = existing
            } else {
                poller = try System.EventPoller()
                watched.poller = poller
            }
            let id = watched.nextID
            watched.nextID += 1
            watched.sources[id] = source
            return (id, poller, startsThread)
        }
        poller.watch(source.wakeUp, for: .readable, token: Self.token(id, .wakeUp))
        if let hostExit = source.hostExit {
            poller.watch(hostExit, for: .readable, token: Self.token(id, .hostExit))
        } else {
            poller.watch(source.socket, for: source.socketEvents, token: Self.token(id, .socket))
            source.socketWatched = true
        }
        if startsThread {
            let thread = Thread { [self] in run(poller) }
            thread.name = "swift-process-bridge event loop"
            thread.start()
        }
    }

    private static func token(_ id: UInt64, _ descriptor: Descriptor) -> UInt64 {
        id << 2 | descriptor.rawValue
    }

    private func run(_ poller: System.EventPoller) -> Never {
        while true {
            let readyOnes: [System.EventPoller.Ready]
            do {
                readyOnes = try poller.wait()
            } catch {
                // epoll_wait fails only for a bad descriptor or want of memory; waiting a moment
                // before trying again keeps a failure from spinning a CPU.
                usleep(10_000)
                continue
            }
            for ready in readyOnes {
                let id = ready.token >> 2
                guard let source = watched.withLock({ $0.sources[id] }),
                      let descriptor = Descriptor(rawValue: ready.token & 3)
                else { continue }
                turn(source, id: id, woken: descriptor, poller)
            }
        }
    }

    /// One turn for a connection: something it is watched for happened.
    private func turn(_ source: Source, id: UInt64, woken descriptor: Descriptor, _ poller: System.EventPoller) {
        switch descriptor {
        case .hostExit:
            // Ready for good once the host has ended: watched no more.
            if let hostExit = source.hostExit { poller.stopWatching(hostExit) }
            source.connection.disconnect()
            return
        case .socket where !source.reading:
            // Without a pidfd, only the host closing its end is watched for.
            guard source.hostExit == nil else { return }
            stopWatchingSocket(source)
            source.connection.disconnect()
            return
        case .socket:
            break
        case .wakeUp:
            System.drain(source.connection.wakeUp)
            switch source.connection.ownReaderWakes() {
            case .exit:
                forget(source, id: id)
                return
            case .sleep:
                return
            case .read(let untilTheEnd):
                source.reading = true
                source.untilTheEnd = untilTheEnd
                watchSocket(source, id: id, poller)
            }
        }
        switch source.connection.readWithoutWaiting(untilTheEnd: source.untilTheEnd) {
        case .idle:
            source.reading = false
            if source.hostExit == nil {
                watchSocket(source, id: id, poller)  // for the host's end alone again
            } else {
                stopWatchingSocket(source)
            }
        case .waiting:
            break  // level-triggered: the socket reports bytes until the loop has read them
        case .ended:
            forget(source, id: id)
        }
    }

    /// Puts the socket in the poller's set for what `socketEvents` says now.
    private func watchSocket(_ source: Source, id: UInt64, _ poller: System.EventPoller) {
        if source.socketWatched {
            poller.rewatch(source.socket, for: source.socketEvents, token: Self.token(id, .socket))
        } else {
            poller.watch(source.socket, for: source.socketEvents, token: Self.token(id, .socket))
            source.socketWatched = true
        }
    }

    private func stopWatchingSocket(_ source: Source) {
        guard source.socketWatched, let poller = watched.withLock({ $0.poller }) else { return }
        poller.stopWatching(source.socket)
        source.socketWatched = false
    }

    /// Forgets a connection that has ended; its descriptors stay open until it is released,
    /// which may be right after this.
    private func forget(_ source: Source, id: UInt64) {
        guard let poller = watched.withLock({ $0.sources.removeValue(forKey: id) != nil ? $0.poller : nil }) else { return }
        stopWatchingSocket(source)
        poller.stopWatching(source.wakeUp)
        if let hostExit = source.hostExit { poller.stopWatching(hostExit) }
    }
}
