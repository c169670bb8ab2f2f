// Issue 14's garbage rows, each run many times in a row (part of `bridge-soak faults`): a host
// that writes what no frame is onto its bridge socket or its side channel. Per row: how soon
// the caller's error came, how long stop() took, and what the row left behind.
import Bridge
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a round's host writes, and where.
enum GarbageRow: String, CaseIterable {
    case unknownKind = "bridge socket: no known kind"
    case gigabytes = "bridge socket: 4 GiB header"
    case replyNeverAsked = "bridge socket: reply never asked"
    case sideChannel = "side channel: no known kind"

    /// A frame header: length (after itself), kind, call id.
    private static func header(length: UInt32, kind: UInt8, callID: UInt32) -> [UInt8] {
        withUnsafeBytes(of: length.littleEndian, Array.init) + [kind] + withUnsafeBytes(of: callID.littleEndian, Array.init)
    }

    var bytes: [UInt8] {
        switch self {
        case .unknownKind, .sideChannel: Self.header(length: 5, kind: 0xEE, callID: 1)
        case .gigabytes: Self.header(length: .max, kind: 5, callID: 1)
        case .replyNeverAsked: Self.header(length: 5, kind: 5, callID: 0x7FFF_FFF0)
        }
    }

    var descriptor: Int32 { self == .sideChannel ? 4 : 3 }
    var expected: BridgeError.Code { self == .gigabytes ? .messageTooLarge : .malformedMessage }
}

/// One round: the call fails with the row's error, the host is killed, another bridge answers.
func garbageRound(_ row: GarbageRow, other: Bridge<LocalSoakFreezable>) async throws -> FaultRound {
    // A parent that ignored the garbage would fail here rather than hang.
    var options = BridgeOptions(stopTimeout: faultStopTimeout, output: .discard, callTimeout: .seconds(30))
    // Written onto the socket itself, which a bridge with shared memory reads only for
    // doorbells: these rows are the socket reader's (garbage in the ring is the test suite's,
    // BridgeSocketGarbageTests).
    if row.descriptor == 3 { options.usesSharedMemory = false }
    let bridge = try await Bridge<LocalSoakFreezable>.start(options)
    let gate = SoakGateKeeper()
    gate.released.store(true, ordering: .sequentiallyConsistent)
    let began = clock.now
    var error: Error?
    do { _ = try await bridge.client.scrawl(row.bytes, onto: row.descriptor, gate: gate) } catch let failure { error = failure }
    let toError = clock.now - began
    guard let bridgeError = error as? BridgeError, bridgeError.code == row.expected else {
        throw SoakFailure(description: "\(row.rawValue): the call ended with \(error.map { "\($0)" } ?? "a result")")
    }
    guard try await other.client.quick() == 1 else { throw SoakFailure(description: "\(row.rawValue): the other bridge answered wrongly") }
    let stopBegan = clock.now
    await bridge.stop()
    let stopped = clock.now - stopBegan
    guard bridge.termination == .signaled(SIGKILL) else {
        throw SoakFailure(description: "\(row.rawValue): the host ended \(String(describing: bridge.termination)), expected SIGKILL")
    }
    return FaultRound(toError: toError, stop: stopped)
}
