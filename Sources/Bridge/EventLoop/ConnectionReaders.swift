import Dispatch
import Foundation

/// A few threads, shared by every bridge of the process, that read for connections whose
/// callers do not read their own replies: several calls in flight from tasks, open streams,
/// the end of a connection. The reading role goes to one of them (`wake(_:)`); it reads that
/// connection alone, waiting on its socket, until nothing waits there, then is free again.
///
/// Why threads that wait on one socket, when the event loop could read every connection:
/// a thread blocked in `recv` is woken by the reply itself, while a socket in an epoll set
/// makes every reply pay for the poller's look and its wake-up. Measured on one CPU with 8
/// calls in flight, reading on the event loop cost 20–30 % more per call than a reader that
/// waits on the socket, which is what these threads do.
///
/// Their number is bounded (the CPU count, at least 2), so that 256 bridges do not cost 256
/// threads. A connection whose role comes to its own reader while every reader thread is
/// busy (with connections whose replies are slow to come, say) is read by the event loop
/// instead, which never waits on one socket: it is slower, never stuck.
final class ConnectionReaders: Sendable {
    static let shared = ConnectionReaders()

    /// The most reader threads there are at once.
    static let limit = max(2, ProcessInfo.processInfo.activeProcessorCount)

    /// The reader threads waiting for a connection, and how many threads there are.
    private let threads = Locked<(idle: [ReaderThread], count: Int)>(([], 0))

    private init() {}

    /// How many reader threads there are now.
    var threadCount: Int { threads.withLock { $0.count } }

    /// How many reader threads are reading a connection now.
    var busyThreadCount: Int { threads.withLock { $0.count - $0.idle.count } }

    /// Gives the connection's reading role to a free reader thread (starting one if there
    /// are fewer than `limit`), else to the event loop through the connection's wake-up
    /// signal.
    func wake(_ connection: _BridgeConnection) {
        let reader = threads.withLock { threads -> ReaderThread? in
            if let idle = threads.idle.popLast() { return idle }
            guard threads.count < Self.limit else { return nil }
            threads.count += 1
            return ReaderThread(readers: self)
        }
        guard let reader else {
            System.signal(connection.wakeUp)
            return
        }
        reader.read(connection)
    }

    /// A reader thread finished with its connection.
    fileprivate func isFree(_ reader: ReaderThread) {
        threads.withLock { $0.idle.append(reader) }
    }
}

/// One of `ConnectionReaders`' threads: it sleeps until it is given a connection, reads it as
/// its own reader, and is free again.
private final class ReaderThread: Sendable {
    private let given = Locked<_BridgeConnection?>(nil)
    private let woken = DispatchSemaphore(value: 0)

    init(readers: ConnectionReaders) {
        let thread = Thread { [self] in run(readers) }
        thread.name = "swift-process-bridge reader"
        thread.start()
    }

    func read(_ connection: _BridgeConnection) {
        given.withLock { $0 = connection }
        woken.signal()
    }

    private func run(_ readers: ConnectionReaders) -> Never {
        while true {
            woken.wait()
            guard let connection = given.withLock({ $0.take() }) else { continue }
            connection.readAsOwnReader()
            readers.isFree(self)
        }
    }
}
