#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CBridge

// Namespaces, interfaces, mounts and no-new-privileges: what a confined host checks of itself.
// The namespaces themselves are made in C at the host's entry (CBridgeIsolation.c).

extension System {
    // MARK: Isolation at the host's entry

    /// Whether this system has the namespaces that `BridgeNetworkAccess.none` and
    /// `BridgeFilesystemAccess.readOnly` need, and no-new-privileges.
    #if os(Linux)
    package static let hasNamespaces = true
    #else
    package static let hasNamespaces = false
    #endif

    /// The variable that asks a host's entry for its namespaces and no-new-privileges.
    package static let isolationVariable = CBRIDGE_ISOLATION_VARIABLE

    /// What a host's entry is asked to set up while it has one thread.
    package struct EntryIsolation: OptionSet, Codable, Sendable, Hashable {
        package let rawValue: Int32
        package init(rawValue: Int32) { self.rawValue = rawValue }

        package static let network = EntryIsolation(rawValue: CBRIDGE_ISOLATE_NETWORK)
        package static let filesystem = EntryIsolation(rawValue: CBRIDGE_ISOLATE_FILESYSTEM)
        package static let userNamespace = EntryIsolation(rawValue: CBRIDGE_ISOLATE_USER_NAMESPACE)
        package static let noNewPrivileges = EntryIsolation(rawValue: CBRIDGE_ISOLATE_NO_NEW_PRIVILEGES)
    }

    /// What the host's entry did: what it was asked, and the call that failed, if one did.
    package struct EntryIsolationOutcome: Sendable {
        /// Nil when the request could not be read.
        package var requested: EntryIsolation?
        /// The failure, naming the call and the path it concerned.
        package var failure: SystemError?
    }

    /// What this process's entry did with `isolationVariable`.
    package static func entryIsolationOutcome() -> EntryIsolationOutcome {
        let outcome = cbridge_isolation_outcome()!.pointee
        let call = String(cString: cbridge_isolation_failed_call())
        let subject = String(cString: cbridge_isolation_subject())
        let failure = call.isEmpty ? nil : SystemError(subject.isEmpty ? call : "\(call) of \(subject)", code: outcome.error)
        return EntryIsolationOutcome(requested: outcome.requested < 0 ? nil : EntryIsolation(rawValue: outcome.requested), failure: failure)
    }

    // MARK: Namespaces

    /// Which network and mount namespaces a thread is in: the inode numbers of its
    /// `/proc/.../ns` links.
    package struct Namespaces: Codable, Sendable, Hashable {
        package var network: UInt64
        package var mount: UInt64
    }

    /// The namespaces of this process's thread `thread` (an entry of `/proc/self/task`), or of
    /// the calling thread; nil if `/proc` cannot tell.
    package static func namespaces(ofThread thread: String? = nil) -> Namespaces? {
        let directory = thread.map { "/proc/self/task/\($0)/ns" } ?? "/proc/thread-self/ns"
        func inode(_ name: String) -> UInt64? {
            var info = stat()
            return stat("\(directory)/\(name)", &info) == 0 ? UInt64(info.st_ino) : nil
        }
        guard let network = inode("net"), let mount = inode("mnt") else { return nil }
        return Namespaces(network: network, mount: mount)
    }

    /// This process's threads, as the names of their `/proc/self/task` entries; empty if
    /// `/proc` cannot tell.
    package static func threads() -> [String] {
        directoryEntries("/proc/self/task") ?? []
    }

    // MARK: Interfaces

    /// The names of the network interfaces this process sees.
    package static func interfaceNames() -> [String] {
        guard let list = if_nameindex() else { return [] }
        defer { if_freenameindex(list) }
        var names: [String] = []
        var entry = list
        while entry.pointee.if_index != 0, let name = entry.pointee.if_name {
            names.append(String(cString: name))
            entry += 1
        }
        return names
    }

    /// Whether the interface `name` is up.
    package static func interfaceIsUp(_ name: String) throws(SystemError) -> Bool {
        let flags = try retryingOnInterrupt("ioctl(SIOCGIFFLAGS) of \(name)") { cbridge_interface_flags(name) }
        return flags & CInt(truncatingIfNeeded: IFF_UP) != 0
    }

    // MARK: Mounts

    /// A mount this process sees, as `/proc/self/mountinfo` lists it.
    package struct Mount: Sendable, Equatable {
        /// Where it is mounted, unescaped.
        package var point: String
        /// The file system type (`ext4`, `autofs`, ...).
        package var type: String
        /// Whether the mount itself is read-only (its per-mount `ro` flag).
        package var isReadOnly: Bool
    }

    /// The mounts this process sees; nil if `/proc/self/mountinfo` cannot be read.
    package static func mounts() -> [Mount]? {
        guard let table = readSmallFile("/proc/self/mountinfo") else { return nil }
        return table.split(separator: "\n").compactMap { line in
            // id parent major:minor root mount-point options [optional fields] - type source ...
            let fields = line.split(separator: " ")
            guard fields.count > 5, let separator = fields.firstIndex(of: "-"), separator + 1 < fields.count else { return nil }
            return Mount(
                point: unescapingOctal(fields[4]), type: String(fields[separator + 1]),
                isReadOnly: fields[5].split(separator: ",").contains("ro"))
        }
    }

    /// The text with mountinfo's escapes (`\040` for a space) undone.
    private static func unescapingOctal(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var rest = Array(text.utf8)[...]
        while let byte = rest.popFirst() {
            let digits = rest.prefix(3)
            if byte == UInt8(ascii: "\\"), digits.count == 3, digits.allSatisfy({ (48...55).contains($0) }),
               let value = UInt8(String(decoding: digits, as: UTF8.self), radix: 8) {
                bytes.append(value)
                rest = rest.dropFirst(3)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether writing under `path` fails for its mount being read-only, by the mount's flags
    /// or its file system's.
    package static func isReadOnlyMount(_ path: String) throws(SystemError) -> Bool {
        var info = statvfs()
        _ = try retryingOnInterrupt("statvfs(\(path))") { statvfs(path, &info) }
        return info.f_flag & UInt(ST_RDONLY) != 0
    }

    /// `path` with symbolic links, `.` and `..` resolved.
    package static func resolvedPath(_ path: String) throws(SystemError) -> String {
        guard let resolved = realpath(path, nil) else { throw SystemError("realpath(\(path))", code: errno) }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    // MARK: No new privileges

    /// Whether the thread `thread` (an entry of `/proc/self/task`) has no-new-privileges set;
    /// nil if `/proc` cannot tell.
    package static func hasNoNewPrivileges(thread: String) -> Bool? {
        guard let status = readSmallFile("/proc/self/task/\(thread)/status"),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("NoNewPrivs:") })
        else { return nil }
        return line.dropFirst("NoNewPrivs:".count).trimmingPrefix(while: \.isWhitespace) == "1"
    }

    /// Whether the calling thread has no-new-privileges set (`PR_GET_NO_NEW_PRIVS`).
    package static func callingThreadHasNoNewPrivileges() throws(SystemError) -> Bool {
        try retryingOnInterrupt("prctl(PR_GET_NO_NEW_PRIVS)") { cbridge_no_new_privileges() } == 1
    }
}
