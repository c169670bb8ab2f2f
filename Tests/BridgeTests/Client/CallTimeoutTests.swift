import Bridge
import Foundation
import Testing

/// A host whose calls wait until the test lets them go, so that a call outlives its time
/// limit for certain, and the next call finds the host free again.
protocol Pacer: Bridged {
    /// Returns `value` once a byte can be read from the FIFO at `gate`.
    func held(_ value: Int, gate: String) async throws -> Int
    func heldBlocking(_ value: Int, gate: String) throws -> Int
    func quick(_ value: Int) async throws -> Int
}

final class LocalPacer: Pacer {
    init() {}

    func held(_ value: Int, gate: String) async throws -> Int { try heldBlocking(value, gate: gate) }

    func heldBlocking(_ value: Int, gate: String) throws -> Int {
        let fifo = open(gate, O_RDONLY)  // blocks until the test opens the other end
        var byte: UInt8 = 0
        _ = read(fifo, &byte, 1)
        close(fifo)
        return value
    }

    func quick(_ value: Int) async throws -> Int { value }
}

/// A FIFO a held call waits on.
private struct Gate {
    let path: String

    init(in directory: TemporaryDirectory, _ name: String) {
        path = directory.path + "/" + name
        #expect(mkfifo(path, 0o600) == 0)
    }

    /// Lets the held call go, if the host holds one at this gate.
    /// - Returns: Whether a call was held here.
    func release() -> Bool { releaseFIFO(path) }

    /// Lets the held call go once the host holds it.
    func open() async {
        #expect(await eventually(within: .seconds(10)) { release() }, "no call was held at \(path)")
    }
}

@Suite struct CallTimeoutTests {
    /// Short enough for a quick test, long enough that a quick call on a loaded machine (the
    /// suite's) is in time.
    private static let options = BridgeOptions(callTimeout: .seconds(1))

    @Test func anAsyncCallOutOfTimeFailsNamingItAndTheBridgeGoesOn() async throws {
        let directory = try TemporaryDirectory()
        let gate = Gate(in: directory, "gate")
        try await withBridge(LocalPacer.self, options: Self.options) { pacer in
            let error = await #expect(throws: BridgeError.self) { try await pacer.held(1, gate: gate.path) }
            #expect(error?.description.contains("'held(_:Int,gate:String) async throws -> Int' got no reply within") == true, "\(String(describing: error))")
            #expect(error?.description.contains("BridgeOptions.callTimeout") == true)
            await gate.open()
            let quick = try await pacer.quick(2)
            #expect(quick == 2)
        }
    }

    @Test func aBlockingCallOutOfTimeFailsNamingItAndTheBridgeGoesOn() async throws {
        let directory = try TemporaryDirectory()
        let gate = Gate(in: directory, "gate")
        try await withBridge(LocalPacer.self, options: Self.options) { pacer in
            let outcome = await onOwnThread { Result { try pacer.heldBlocking(1, gate: gate.path) } }
            #expect((outcome.failure as? BridgeError)?.description.contains("'heldBlocking(_:Int,gate:String) throws -> Int' got no reply") == true, "\(outcome)")
            await gate.open()
            let quick = try await pacer.quick(2)
            #expect(quick == 2)
        }
    }

    @Test func blockedCallersRunOutOfTimeWhetherTheyReadOrWait() async throws {
        let directory = try TemporaryDirectory()
        let gates = [Gate(in: directory, "first"), Gate(in: directory, "second")]
        try await withBridge(LocalPacer.self, options: Self.options) { pacer in
            // One thread reads for both; the other waits for it. Both run out of time.
            let outcomes = await withTaskGroup(of: Result<Int, any Error>.self) { group in
                for (index, gate) in gates.enumerated() {
                    group.addTask { await onOwnThread { Result { try pacer.heldBlocking(index, gate: gate.path) } } }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            for outcome in outcomes {
                #expect((outcome.failure as? BridgeError)?.description.contains("got no reply within") == true, "\(outcome)")
            }
            // The host runs one call at a time: it holds whichever came first, and skips the
            // other, whose cancel reached it before it started.
            #expect(await eventually(within: .seconds(10)) { gates.contains { $0.release() } })
            let quick = try await pacer.quick(2)
            #expect(quick == 2)
        }
    }

    @Test func callsInTimeAreUntouched() async throws {
        try await withBridge(LocalPacer.self, options: BridgeOptions(callTimeout: .seconds(30))) { pacer in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<50 {
                    group.addTask { try await pacer.quick(index) }
                }
                var total = 0
                for try await value in group { total += value }
                #expect(total == (0..<50).reduce(0, +))
            }
        }
    }
}

extension Result {
    fileprivate var failure: Failure? {
        if case .failure(let error) = self { error } else { nil }
    }
}
