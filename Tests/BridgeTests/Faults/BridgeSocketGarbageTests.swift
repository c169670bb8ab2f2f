import Bridge
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What a host's real object writes onto its own bridge socket (descriptor 3).
enum Graffiti: String, Codable, Sendable, CaseIterable {
    /// A header of a kind no frame has.
    case unknownKind
    /// A header that claims 4 GiB of payload.
    case gigabytes
    /// A well-formed reply for a call id the parent never used.
    case replyNobodyAskedFor
    /// A frame that says it carries a descriptor, of a batch that never came.
    case descriptorsThatNeverCame
    /// A record on the descriptor channel with no descriptor attached, and a frame that names it.
    case batchWithoutDescriptors

    var bytes: [UInt8] {
        func header(length: UInt32, kind: UInt8, callID: UInt32) -> [UInt8] {
            withUnsafeBytes(of: length.littleEndian) { Array($0) } + [kind] + withUnsafeBytes(of: callID.littleEndian) { Array($0) }
        }
        switch self {
        case .unknownKind: return header(length: 5, kind: 0xEE, callID: 1)
        case .gigabytes: return header(length: .max, kind: 5, callID: 1)
        case .replyNobodyAskedFor: return header(length: 5, kind: 5, callID: 0x7FFF_FFF0)  // `returned`, empty
        case .descriptorsThatNeverCame, .batchWithoutDescriptors:
            // `returned` with the descriptor bit, then the trailer: 1 descriptor, batch 77.
            return header(length: 13, kind: 5 | 0x80, callID: 1) + Self.record
        }
    }

    /// What to write on the descriptor channel (descriptor 5) first.
    var descriptorChannelBytes: [UInt8] { self == .batchWithoutDescriptors ? Self.record : [] }

    /// A record naming batch 77 of 1 descriptor.
    private static let record = withUnsafeBytes(of: UInt32(1).littleEndian) { Array($0) } + withUnsafeBytes(of: UInt32(77).littleEndian) { Array($0) }

    /// Writes the graffiti: on the descriptor channel if it has some there, then on `socket`.
    func write(on socket: Int32) {
        let ahead = descriptorChannelBytes
        if !ahead.isEmpty { _ = Glibc.write(5, ahead, ahead.count) }
        let bytes = bytes
        _ = Glibc.write(socket, bytes, bytes.count)
    }
}

/// A host whose real object scribbles on the bridge socket (descriptor 3), as a host that
/// cannot be trusted might.
protocol Graffitist: Bridged {
    /// Writes `graffiti` onto descriptor 3 and waits to be killed.
    func scrawl(_ graffiti: Graffiti) async throws -> Int
    func quick() async throws -> Int
}

final class LocalGraffitist: Graffitist {
    init() {}

    func scrawl(_ graffiti: Graffiti) async throws -> Int {
        graffiti.write(on: 3)
        while true { pause() }
    }

    func quick() async throws -> Int { 1 }
}

/// Nothing a host writes on its bridge socket may hang or confuse its parent, also when the
/// host runs as `nobody`: its waiting call fails saying why within milliseconds, the host is
/// killed and reaped, and other bridges go on.
@Suite struct BridgeSocketGarbageTests {
    @Test(arguments: Graffiti.allCases, [nil, "nobody"])
    func garbageOnTheBridgeSocketEndsTheHost(graffiti: Graffiti, user: String?) async throws {
        let other = try await Bridge<LocalGraffitist>.start()
        var options = BridgeOptions(user: user)
        options.callTimeout = .seconds(30)  // a parent that ignored the garbage fails here, not hangs
        let bridge = try await Bridge<LocalGraffitist>.start(options)
        let began = ContinuousClock.now
        let error = await #expect(throws: BridgeError.self) { try await bridge.client.scrawl(graffiti) }
        let expected: BridgeError.Code = graffiti == .gigabytes ? .messageTooLarge : .malformedMessage
        #expect(error?.code == expected, "\(String(describing: error))")
        #expect(ContinuousClock.now - began < .seconds(20))  // bounded, not timed
        await bridge.stop()
        #expect(bridge.termination == .signaled(SIGKILL))
        // The bridge ended: a later call fails at once with the same reason.
        let later = await #expect(throws: BridgeError.self) { try await bridge.client.quick() }
        #expect(later?.code == expected || later?.code == .stopped, "\(String(describing: later))")
        #expect(try await other.client.quick() == 1)
        await other.stop()
    }
}
