// A pool of parsers fed inputs, some of which crash the parser (a bad pointer, `fatalError`),
// freeze it (caught by `hangTimeout`) or loop for ever (caught by `callTimeout`): each bad
// input costs one host, which the pool replaces, and every good input is parsed.
//
//     swift run crash-isolated-pool
import Bridge
import Foundation
import Synchronization

protocol SumParser: Bridged {
    /// The sum of `+`-separated integers; some inputs make the parser misbehave on purpose.
    func parse(_ input: String) async throws -> Int
}

struct NotASum: Error, Codable {
    var input: String
}

final class LocalSumParser: SumParser {
    init() {}

    func parse(_ input: String) async throws -> Int {
        switch input {
        case "crash:pointer":
            UnsafeMutablePointer<Int>(bitPattern: 8)!.pointee = 1  // the first page is never mapped
        case "crash:fatal":
            fatalError("the parser met an input it cannot survive")
        case "freeze":
            raise(SIGSTOP)  // the whole host stops: it cannot even answer a ping
        case "loop":
            var spins = 0
            while spins >= 0 { spins = (spins + 1) % 1_000 }  // ignores the cancel
        default:
            break
        }
        let terms = input.split(separator: "+").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !terms.isEmpty, terms.allSatisfy({ $0 != nil }) else { throw NotASum(input: input) }
        return terms.reduce(0) { $0 + $1! }
    }
}

let inputs = ["1+2+3", "crash:pointer", "10+20", "crash:fatal", "7", "freeze", "40+2", "loop", "5+5+5", "x+1", "100+1"]
let badInputs: Set = ["crash:pointer", "crash:fatal", "freeze", "loop"]
let hostsSeen = Mutex<Set<Int32>>([])
let (restarts, restartSeen) = AsyncStream.makeStream(of: String.self)
let options = BridgeOptions(
    // A crashed Swift host runs the backtracer before it dies (half a second or more), which
    // nobody reads here, and during which it answers no ping: the hang watch would kill it
    // first, and the outcome would say SIGKILL instead of SIGSEGV.
    environment: ProcessInfo.processInfo.environment.merging(["SWIFT_BACKTRACE": "enable=no"]) { $1 },
    stopTimeout: .milliseconds(500),
    output: .discard,  // a crash's backtrace would bury the outcomes
    callTimeout: .seconds(2),
    events: { event in
        switch event {
        case .spawned(let pid, _):
            hostsSeen.withLock { _ = $0.insert(pid) }
        case .restarted(let previous, let pid, let termination):
            restartSeen.yield("host \(previous) \(termination); host \(pid) took its place")
        default:
            break
        }
    },
    limits: BridgeLimits(coreDumps: false),
    restart: .onCrash(maximumRestarts: 10, within: .seconds(60)),
    hangTimeout: .seconds(1))

/// What became of one input. A call in flight when its host dies is never retried behind the
/// caller's back: the caller decides, and here it reports.
func outcome(_ input: String, on parser: SumParserClient) async -> String {
    do {
        return "\(try await parser.parse(input))"
    } catch is NotASum {
        return "not a sum"
    } catch let error as BridgeError where error.code == .hostExited {
        return "its host \(error.termination.map { "\($0)" } ?? "ended")"
    } catch let error as BridgeError where error.code == .timedOut {
        return "no answer within 2 s (callTimeout); its host, still running it, is replaced"
    } catch {
        return "failed: \(error)"
    }
}

let good = try await withBridgePool(LocalSumParser.self, size: 3, options: options) { parser in
    // One input at a time, so that the outcomes read in order: after a bad input the next one
    // goes at once to another live host, while the pool replaces the one that was lost.
    var good = 0
    for input in inputs {
        let text = await outcome(input, on: parser)
        print("\(input): \(text)")
        if !badInputs.contains(input), !text.hasPrefix("its host"), !text.hasPrefix("no answer") { good += 1 }
    }
    // The last bad input's host is replaced a moment after its call gave up: wait for it.
    var seen: [String] = []
    for await restart in restarts {
        seen.append(restart)
        if seen.count == badInputs.count { break }
    }
    print("restarts: \(seen.count)")
    for line in seen { print("  \(line)") }
    return good
}
print("good inputs answered: \(good) of \(inputs.count - badInputs.count)")
let hosts = hostsSeen.withLock { $0 }
print("hosts started: \(hosts.count); all gone after the pool: \(hosts.allSatisfy { kill($0, 0) == -1 && errno == ESRCH })")
