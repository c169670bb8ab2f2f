import Bridge
import Foundation
import Testing

/// Many calls at once: every answer must be the one to its own call. Each answer depends on
/// both arguments, so a reply delivered to the wrong caller shows as a wrong sum.
@Suite struct LoadTests {
    /// Runs `tasks` tasks of `calls` calls each on `sandbox`; returns how many answers were wrong.
    private static func load(_ sandbox: SandboxClient, tasks: Int, calls: Int) async throws -> Int {
        try await withThrowingTaskGroup(of: Int.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    var wrong = 0
                    for call in 0..<calls {
                        let sum = try await sandbox.add(task << 32, call)
                        if sum != (task << 32) + call { wrong += 1 }
                    }
                    return wrong
                }
            }
            return try await group.reduce(0, +)
        }
    }

    @Test func sixtyFourTasksOfAThousandCallsOnOneClient() async throws {
        let wrong = try await withBridge(LocalSandbox.self) { try await Self.load($0, tasks: 64, calls: 1_000) }
        #expect(wrong == 0)
    }

    @Test func eightHostsAtOnceEachWithEightTasks() async throws {
        let bridges = try await withThrowingTaskGroup(of: Bridge<LocalSandbox>.self) { group in
            for _ in 0..<8 { group.addTask { try await Bridge<LocalSandbox>.start() } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(bridges.map(\.processID)).count == 8)
        let wrong = try await withThrowingTaskGroup(of: Int.self) { group in
            for bridge in bridges {
                group.addTask { try await Self.load(bridge.client, tasks: 8, calls: 200) }
            }
            return try await group.reduce(0, +)
        }
        #expect(wrong == 0)
        await withTaskGroup(of: Void.self) { group in
            for bridge in bridges { group.addTask { await bridge.stop() } }
        }
        for bridge in bridges {
            #expect(bridge.termination == .exited(0))
            // Reaped: not even a zombie is left.
            #expect(!FileManager.default.fileExists(atPath: "/proc/\(bridge.processID)"))
        }
    }
}
