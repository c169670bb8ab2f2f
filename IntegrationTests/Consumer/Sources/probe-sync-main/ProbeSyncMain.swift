import Dispatch
import Foundation
import Probe

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A synchronous `@main` (built in the Swift 5 language mode) whose main thread stays busy in a
/// loop of its own while bridges start elsewhere:
/// - `runloop`: the main thread runs `RunLoop.main`; a task starts the bridges;
/// - `dispatch-main`: the main thread is in `dispatchMain()`; a Dispatch queue starts them;
/// - `blocking-read`: the main thread blocks in `read(2)`; a plain `Thread` starts them.
@main
struct ProbeSyncMain {
    static func main() {
        let mode = CommandLine.arguments.dropFirst().first { !$0.hasPrefix("--") } ?? "runloop"
        Probe.waitForGoIfAsked()
        let shape = "sync @main, \(mode)"
        switch mode {
        case "runloop":
            Task { Probe.finish(await Probe.run(shape: shape)) }
            while true { RunLoop.main.run(until: .distantFuture) }
        case "dispatch-main":
            DispatchQueue(label: "probe").async { Probe.finish(runBlocking(shape)) }
            dispatchMain()
        case "blocking-read":
            var ends: [Int32] = [0, 0]
            guard pipe(&ends) == 0 else { fatalError("pipe: \(errno)") }
            let writeEnd = ends[1]
            let thread = Thread {
                var verdict: UInt8 = runBlocking(shape) ? 1 : 0
                _ = write(writeEnd, &verdict, 1)
            }
            thread.start()
            var verdict: UInt8 = 0
            let count = read(ends[0], &verdict, 1)
            Probe.finish(count == 1 && verdict == 1)
        default:
            print("unknown mode '\(mode)': runloop, dispatch-main or blocking-read")
            Probe.finish(false)
        }
    }

    /// Runs the probe from a thread that is not the pool's, waiting for it there.
    static func runBlocking(_ shape: String) -> Bool {
        final class Verdict: @unchecked Sendable { var passed = false }
        let verdict = Verdict()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            verdict.passed = await Probe.run(shape: shape)
            done.signal()
        }
        done.wait()
        return verdict.passed
    }
}
