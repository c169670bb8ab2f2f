@testable import Bridge
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What a host's real object writes onto its own bridge: into the ring it writes frames to
/// when the bridge has shared memory, else onto its socket (descriptor 3); or onto the side
/// channel (descriptor 4).
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
    /// An error reply to the waiting call (the host's first, id 1) whose envelope, the bridge's
    /// own format, cannot be read.
    case unreadableError
    /// A position in the shared memory ring that no writer could reach: more bytes than the
    /// ring holds (only where the bridge has shared memory).
    case ringPositionFarAhead

    /// The graffiti that mean something on a socket (the side channel has no ring).
    static let onSockets = allCases.filter { $0 != .ringPositionFarAhead }

    /// What the parent's waiting call fails with.
    var expectedError: BridgeError.Code {
        switch self {
        case .gigabytes: .messageTooLarge
        case .ringPositionFarAhead: .connectionFailed
        default: .malformedMessage
        }
    }

    var bytes: [UInt8] {
        func header(length: UInt32, kind: UInt8, callID: UInt32) -> [UInt8] {
            withUnsafeBytes(of: length.littleEndian) { Array($0) } + [kind] + withUnsafeBytes(of: callID.littleEndian) { Array($0) }
        }
        switch self {
        case .unknownKind: return header(length: 5, kind: 0xEE, callID: 1)
        case .gigabytes: return header(length: .max, kind: 5, callID: 1)
        case .replyNobodyAskedFor: return header(length: 5, kind: 5, callID: 0x7FFF_FFF0)  // `returned`, empty
        case .unreadableError: return header(length: 8, kind: 6, callID: 1) + [0xFF, 0xFF, 0xFF]  // `threw`, no tag known
        case .descriptorsThatNeverCame, .batchWithoutDescriptors:
            // `returned` with the descriptor bit, then the trailer: 1 descriptor, batch 77.
            return header(length: 13, kind: 5 | 0x80, callID: 1) + Self.record
        case .ringPositionFarAhead: return []
        }
    }

    /// What to write on the descriptor channel (descriptor 5) first.
    var descriptorChannelBytes: [UInt8] { self == .batchWithoutDescriptors ? Self.record : [] }

    /// A record naming batch 77 of 1 descriptor.
    private static let record = withUnsafeBytes(of: UInt32(1).littleEndian) { Array($0) } + withUnsafeBytes(of: UInt32(77).littleEndian) { Array($0) }

    /// Writes the graffiti: on the descriptor channel if it has some there, then on `socket`,
    /// or, for the bridge socket of a bridge with shared memory, into its ring.
    func write(on socket: Int32) {
        let ahead = descriptorChannelBytes
        if !ahead.isEmpty { _ = Glibc.write(5, ahead, ahead.count) }
        if socket == 3, let ring = HostRing.find() {
            if self == .ringPositionFarAhead {
                ring.publish(tail: ring.tail &+ UInt64(2 * SharedMemoryChannel.ringCapacity))
            } else {
                ring.append(bytes)
            }
            _ = Glibc.write(3, [1], 1)  // the doorbell, if the parent sleeps
            return
        }
        let bytes = bytes
        _ = Glibc.write(socket, bytes, bytes.count)
    }
}

/// The ring this host writes its frames to, found as a hostile host would find it: its
/// mapping in /proc/self/maps. Written without the host's own writer, which does not see it.
struct HostRing {
    let base: UnsafeMutableRawPointer

    static func find() -> HostRing? {
        guard let maps = readProcFile("/proc/self/maps"),
            let line = maps.split(separator: "\n").first(where: { $0.contains("memfd:swift-process-bridge") }),
            let start = UInt(line.prefix { $0 != "-" }, radix: 16),
            let mapping = UnsafeMutableRawPointer(bitPattern: start)
        else { return nil }
        // The host writes the second ring (`SharedMemoryChannel.Side.host`).
        return HostRing(base: mapping + SharedRing.size(capacity: SharedMemoryChannel.ringCapacity))
    }

    /// A /proc file's text (their size says 0, so read until the end).
    private static func readProcFile(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(descriptor, &chunk, chunk.count)
            guard count > 0 else { break }
            bytes += chunk.prefix(count)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    var tail: UInt64 { base.load(fromByteOffset: SharedRing.tailOffset, as: UInt64.self) }

    func publish(tail: UInt64) {
        base.storeBytes(of: tail, toByteOffset: SharedRing.tailOffset, as: UInt64.self)
    }

    func append(_ bytes: [UInt8]) {
        let capacity = SharedMemoryChannel.ringCapacity
        let data = base + SharedRing.controlSize
        for (index, byte) in bytes.enumerated() {
            data.storeBytes(of: byte, toByteOffset: Int((tail &+ UInt64(index)) % UInt64(capacity)), as: UInt8.self)
        }
        publish(tail: tail &+ UInt64(bytes.count))
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
    /// Into the shared memory ring (and onto the socket, for the descriptor channel's cases).
    @Test(arguments: Graffiti.allCases, [nil, "nobody"])
    func garbageOnTheBridgeEndsTheHost(graffiti: Graffiti, user: String?) async throws {
        try await expectGarbageEndsTheHost(graffiti, options: BridgeOptions(user: user))
    }

    /// Onto the socket of a bridge without shared memory (as on systems that have none).
    @Test(arguments: Graffiti.onSockets)
    func garbageOnTheBridgeSocketEndsTheHost(graffiti: Graffiti) async throws {
        var options = BridgeOptions()
        options.usesSharedMemory = false
        try await expectGarbageEndsTheHost(graffiti, options: options)
    }

    private func expectGarbageEndsTheHost(_ graffiti: Graffiti, options: BridgeOptions) async throws {
        let other = try await Bridge<LocalGraffitist>.start()
        var options = options
        options.callTimeout = .seconds(30)  // a parent that ignored the garbage fails here, not hangs
        let bridge = try await Bridge<LocalGraffitist>.start(options)
        let began = ContinuousClock.now
        let error = await #expect(throws: BridgeError.self) { try await bridge.client.scrawl(graffiti) }
        let expected = graffiti.expectedError
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
