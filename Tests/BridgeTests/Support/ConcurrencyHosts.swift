import Bridge

/// Opts in to concurrent calls: `arrive` returns only when several calls overlap.
protocol Meeting: Bridged {
    /// Returns once `count` calls to `arrive` are in the host at the same time.
    func arrive(_ name: String, expecting count: Int) async throws -> [String]
}

protocol Overlap: Bridged {
    func enter(_ number: Int) async throws -> Int
    func report() async throws -> [Int]
}

actor Rendezvous: Meeting, BridgeConcurrentCalls {
    private var arrived: [String] = []
    private var waiting: [CheckedContinuation<[String], Never>] = []

    init() {}

    func arrive(_ name: String, expecting count: Int) async throws -> [String] {
        arrived.append(name)
        if arrived.count >= count {
            for waiter in waiting { waiter.resume(returning: arrived) }
            waiting = []
            return arrived
        }
        return await withCheckedContinuation { waiting.append($0) }
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
