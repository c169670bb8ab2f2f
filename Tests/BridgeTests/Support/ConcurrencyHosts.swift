import Bridge

/// Opts in to concurrent calls: `wait` returns only after a later call to `signal`, which
/// proves calls overlap and replies come back out of order.
protocol Meeting: Bridged {
    func wait(for token: String) async throws -> String
    func signal(_ token: String) async throws
}

protocol Overlap: Bridged {
    func enter(_ number: Int) async throws -> Int
    func report() async throws -> [Int]
}

actor Rendezvous: Meeting, BridgeConcurrentCalls {
    private var signalled: Set<String> = []
    private var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]

    init() {}

    func wait(for token: String) async throws -> String {
        if !signalled.contains(token) {
            await withCheckedContinuation { waiters[token, default: []].append($0) }
        }
        return "released \(token)"
    }

    func signal(_ token: String) async throws {
        signalled.insert(token)
        for waiter in waiters.removeValue(forKey: token) ?? [] { waiter.resume() }
    }
}

/// The default, serial host: counts how many calls run at once.
final class OverlapCounter: Overlap {
    private var running = 0
    private var mostAtOnce = 0
    private var order: [Int] = []

    init() {}

    func enter(_ number: Int) async throws -> Int {
        running += 1
        mostAtOnce = max(mostAtOnce, running)
        order.append(number)
        // A suspension point, where a concurrent host would start the next call.
        try await Task.sleep(for: .milliseconds(1))
        running -= 1
        return number * 2
    }

    func report() async throws -> [Int] { [mostAtOnce] + order }
}
