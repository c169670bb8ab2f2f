// `withBridge` starts a host for a block and always stops and reaps it: when the block
// returns, when it throws, nested and side by side.
//
//     swift run scoped-bridges
import Bridge
import Foundation

protocol Worker: Bridged {
    func processID() async throws -> Int32
    func square(_ value: Int) async throws -> Int
}

final class LocalWorker: Worker {
    init() {}
    func processID() async throws -> Int32 { getpid() }
    func square(_ value: Int) async throws -> Int { value * value }
}

struct GaveUp: Error {}

/// Whether process `pid` no longer exists (it was reaped: its id is free).
func isGone(_ pid: Int32) -> Bool { kill(pid, 0) == -1 && errno == ESRCH }

// Nested: an outer host and, inside its block, an inner one.
var seen: [Int32] = []
let total = try await withBridge(LocalWorker.self) { outer in
    let outerID = try await outer.processID()
    seen.append(outerID)
    let inner = try await withBridge(LocalWorker.self) { inner in
        seen.append(try await inner.processID())
        return try await inner.square(3)
    }
    print("nested: inner host \(seen[1]) gone after its block: \(isGone(seen[1])); outer host \(outerID) still running: \(!isGone(outerID))")
    return try await outer.square(4) + inner
}
print("nested: 4² + 3² = \(total); outer host \(seen[0]) gone: \(isGone(seen[0]))")

// Side by side: three hosts at once, one per task.
let squares = try await withThrowingTaskGroup(of: (Int, Int32).self) { group in
    for value in 1...3 {
        group.addTask {
            try await withBridge(LocalWorker.self) { worker in (try await worker.square(value), try await worker.processID()) }
        }
    }
    var results: [(Int, Int32)] = []
    for try await result in group { results.append(result) }
    return results.sorted { $0.0 < $1.0 }
}
print("concurrent: squares \(squares.map(\.0)) from \(Set(squares.map(\.1)).count) hosts, all gone: \(squares.allSatisfy { isGone($0.1) })")

// Throwing: the host is stopped before the error reaches the caller.
var thrower: Int32 = 0
do {
    try await withBridge(LocalWorker.self) { worker in
        thrower = try await worker.processID()
        throw GaveUp()
    }
} catch is GaveUp {
    print("throwing: the block threw GaveUp; host \(thrower) gone: \(isGone(thrower))")
}
