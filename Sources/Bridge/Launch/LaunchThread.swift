import Dispatch
import Foundation

/// The one thread that starts every host.
///
/// On Linux a host asks to die with its parent (`PR_SET_PDEATHSIG`), and the kernel counts the
/// parent as the *thread* that started it. Pool threads come and go, so hosts are started
/// from this thread, which lives as long as the process.
final class LaunchThread: Sendable {
    static let shared = LaunchThread()

    private let jobs = Locked<[@Sendable () -> Void]>([])
    private let wakeUp = DispatchSemaphore(value: 0)

    private init() {
        let thread = Thread { [self] in
            while true {
                wakeUp.wait()
                let job = jobs.withLock { $0.removeFirst() }
                job()
            }
        }
        thread.name = "swift-process-bridge launcher"
        thread.start()
    }

    /// Runs `body` on the launch thread and returns what it returned.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            jobs.withLock {
                $0.append { continuation.resume(with: Result { try body() }) }
            }
            wakeUp.signal()
        }
    }
}
