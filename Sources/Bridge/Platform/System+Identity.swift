#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CBridge

// Users, groups, and switching to them.

extension System {
    // MARK: Users and groups

    package static var userID: UserID { getuid() }
    package static var effectiveUserID: UserID { geteuid() }
    package static var groupID: GroupID { getgid() }
    package static var effectiveGroupID: GroupID { getegid() }

    /// A user as the user database (`/etc/passwd`, NSS) describes it.
    package struct UserEntry: Sendable, Equatable {
        package var name: String
        package var id: UserID
        /// The user's primary group.
        package var groupID: GroupID
    }

    /// The user called `name`, or nil if the user database has none.
    package static func user(named name: String) throws(SystemError) -> UserEntry? {
        try lookUpUser("getpwnam_r(\(name))") { entry, buffer, count, result in
            getpwnam_r(name, entry, buffer, count, result)
        }
    }

    /// The user whose id is `id`, or nil if the user database has none.
    package static func user(id: UserID) throws(SystemError) -> UserEntry? {
        try lookUpUser("getpwuid_r(\(id))") { entry, buffer, count, result in
            getpwuid_r(id, entry, buffer, count, result)
        }
    }

    private static func lookUpUser(
        _ call: String,
        _ lookUp: (UnsafeMutablePointer<passwd>, UnsafeMutablePointer<CChar>, Int, UnsafeMutablePointer<UnsafeMutablePointer<passwd>?>) -> CInt
    ) throws(SystemError) -> UserEntry? {
        var entry = passwd()
        return try lookUpEntry(call) { buffer, size in
            var result: UnsafeMutablePointer<passwd>?
            let code = lookUp(&entry, buffer, size, &result)
            return (code, result.map { UserEntry(name: String(cString: $0.pointee.pw_name), id: $0.pointee.pw_uid, groupID: $0.pointee.pw_gid) })
        }
    }

    /// The id of the group called `name`, or nil if the group database has none.
    package static func groupID(named name: String) throws(SystemError) -> GroupID? {
        var entry = group()
        return try lookUpEntry("getgrnam_r(\(name))") { buffer, size in
            var result: UnsafeMutablePointer<group>?
            let code = getgrnam_r(name, &entry, buffer, size, &result)
            return (code, result?.pointee.gr_gid)
        }
    }

    /// Runs a `get*_r` look-up of the user or group database with a buffer for the entry's
    /// strings, larger each time the look-up says it is too small (`ERANGE`), and again when
    /// a signal interrupts it.
    /// - Parameter lookUp: Returns the look-up's error code, and what it found.
    /// - Returns: What was found; nil for no such entry (a zero code with no result; some
    ///   systems say `ENOENT` or `ESRCH`).
    private static func lookUpEntry<Found>(
        _ call: String, _ lookUp: (UnsafeMutablePointer<CChar>, Int) -> (code: CInt, found: Found?)
    ) throws(SystemError) -> Found? {
        var size = 1024
        while true {
            var buffer = [CChar](repeating: 0, count: size)
            let (code, found) = buffer.withUnsafeMutableBufferPointer { lookUp($0.baseAddress!, size) }
            switch code {
            case ERANGE where size < 1 << 20: size *= 4
            case EINTR: continue
            case 0, ENOENT, ESRCH: return found
            default: throw SystemError(call, code: code)
            }
        }
    }

    /// The supplementary groups of this process.
    package static func supplementaryGroups() -> [GroupID] {
        let count = getgroups(0, nil)
        guard count > 0 else { return [] }
        var groups = [GroupID](repeating: 0, count: Int(count))
        let filled = getgroups(count, &groups)
        return Array(groups.prefix(Int(max(filled, 0))))
    }

    /// Sets the supplementary groups to `user`'s groups in the group database, plus `group`.
    package static func initializeGroups(user: String, group: GroupID) throws(SystemError) {
        #if canImport(Glibc)
        let result = initgroups(user, group)
        #else
        let result = initgroups(user, Int32(bitPattern: group))
        #endif
        guard result == 0 else { throw SystemError("initgroups(\(user), \(group))", code: errno) }
    }

    /// Sets the supplementary groups to exactly `groups`.
    package static func setSupplementaryGroups(_ groups: [GroupID]) throws(SystemError) {
        #if canImport(Glibc)
        let result = setgroups(groups.count, groups)
        #else
        let result = setgroups(Int32(groups.count), groups)
        #endif
        guard result == 0 else { throw SystemError("setgroups(\(groups))", code: errno) }
    }

    /// Sets the real, effective and saved group ids.
    package static func setGroupID(_ id: GroupID) throws(SystemError) {
        guard setgid(id) == 0 else { throw SystemError("setgid(\(id))", code: errno) }
    }

    /// Sets the real, effective and saved user ids.
    package static func setUserID(_ id: UserID) throws(SystemError) {
        guard setuid(id) == 0 else { throw SystemError("setuid(\(id))", code: errno) }
    }
}
