import Bridge
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Who a host runs as.
struct HostIdentity: Codable, Equatable, Sendable {
    var userID: UInt32
    var effectiveUserID: UInt32
    var groupID: UInt32
    var effectiveGroupID: UInt32
    var supplementaryGroups: [UInt32]
}

/// Probes what a host may do after it switched user.
protocol IdentityProbe: Bridged {
    func identity() async throws -> HostIdentity
    /// The file's contents, or the error text of the failed read.
    func read(_ path: String) async throws -> String
    /// The errno of `setuid(0)`, or 0 if it succeeded.
    func becomeRoot() async throws -> Int32
    /// Tries to start a bridge whose host switches to `user`; returns the error's description,
    /// or nil if it started.
    func startError(user: String) async throws -> String?
    /// Starts a host that switches to `user`, keeps it, and returns its pid.
    func startSwitchedHost(user: String) async throws -> Int32
    /// The signal the host's main thread asked for when its parent dies (0 for none).
    func mainThreadParentDeathSignal() async throws -> Int32
}

final class LocalIdentityProbe: IdentityProbe {
    private var kept: Bridge<LocalIdentityProbe>?

    init() {}

    func identity() async throws -> HostIdentity {
        let count = getgroups(0, nil)
        var groups = [gid_t](repeating: 0, count: Int(max(count, 0)))
        let filled = getgroups(count, &groups)
        return HostIdentity(
            userID: getuid(), effectiveUserID: geteuid(), groupID: getgid(), effectiveGroupID: getegid(),
            supplementaryGroups: Array(groups.prefix(Int(max(filled, 0)))).sorted())
    }

    func read(_ path: String) async throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let descriptor = open(path, O_RDONLY)
            if descriptor >= 0 { close(descriptor) }
            return "open failed: errno \(descriptor >= 0 ? 0 : errno)"
        }
    }

    func becomeRoot() async throws -> Int32 {
        setuid(0) == 0 ? 0 : errno
    }

    func startError(user: String) async throws -> String? {
        do {
            let bridge = try await Bridge<LocalIdentityProbe>.start(.init(user: user))
            await bridge.stop()
            return nil
        } catch {
            return "\(error)"
        }
    }

    func startSwitchedHost(user: String) async throws -> Int32 {
        let bridge = try await Bridge<LocalIdentityProbe>.start(.init(user: user))
        kept = bridge
        return bridge.processID
    }

    func mainThreadParentDeathSignal() async throws -> Int32 {
        await MainActor.run { System.parentDeathSignal }
    }
}
