import Bridge

/// The user and group a host switches to before it creates the real type, resolved from
/// `BridgeOptions.user` and `.group`.
struct IdentitySwitch: Equatable {
    var userName: String?
    var userID: UserID
    var groupID: GroupID

    /// Looks `user` and `group` up in the user and group databases. A numeric string is an id.
    /// - Throws: `BridgeError.startFailed` naming a user or group that does not exist.
    init(user: String, group: String?) throws(BridgeError) {
        let entry: System.UserEntry?
        do {
            if let id = UserID(user) {
                entry = try System.user(id: id)
            } else {
                entry = try System.user(named: user)
                guard entry != nil else {
                    throw BridgeError.startFailed("there is no user named '\(user)' on this system (BridgeOptions.user); give an existing user's name or a numeric id")
                }
            }
        } catch let error as BridgeError {
            throw error
        } catch {
            throw .startFailed("the host could not look up user '\(user)': \(error)")
        }
        userName = entry?.name
        userID = entry?.id ?? UserID(user)!

        if let group {
            if let id = GroupID(group) {
                groupID = id
            } else {
                let found: GroupID?
                do {
                    found = try System.groupID(named: group)
                } catch {
                    throw .startFailed("the host could not look up group '\(group)': \(error)")
                }
                guard let found else {
                    throw .startFailed("there is no group named '\(group)' on this system (BridgeOptions.group); give an existing group's name or a numeric id")
                }
                groupID = found
            }
        } else if let entry {
            groupID = entry.groupID
        } else {
            throw .startFailed("user id \(user) has no entry in the user database, so it has no primary group; set BridgeOptions.group too")
        }
    }

    /// Switches this process for good: supplementary groups, then the group id, then the user
    /// id (after `setuid` the process may no longer change its groups), then checks that the
    /// switch cannot be undone, and asks again to die with `parent`, since a change of user id
    /// clears that request.
    /// - Throws: `BridgeError.startFailed` saying which step failed.
    func apply(parent: ProcessID) async throws(BridgeError) {
        let who = userName.map { "'\($0)' (uid \(userID))" } ?? "uid \(userID)"
        do {
            if let userName {
                try System.initializeGroups(user: userName, group: groupID)
            } else {
                try System.setSupplementaryGroups([groupID])
            }
            try System.setGroupID(groupID)
            try System.setUserID(userID)
        } catch {
            throw .startFailed("the host could not switch to user \(who), group \(groupID): \(error)")
        }
        guard System.userID == userID, System.effectiveUserID == userID,
            System.groupID == groupID, System.effectiveGroupID == groupID
        else {
            throw .startFailed("the host asked to become user \(who), group \(groupID), but runs as uid \(System.effectiveUserID), gid \(System.effectiveGroupID)")
        }
        // Root can always switch back; the drop counts only if that fails.
        if (try? System.setUserID(0)) != nil {
            throw .startFailed("the host switched to user \(who) but could still become root again; BridgeOptions.user must name an unprivileged user")
        }
        // The request belongs to the thread that makes it and ends with it: the main thread,
        // which serves the main queue until the host exits, makes it, not a pool thread that
        // may end when idle.
        let asked = await MainActor.run { () -> SystemError? in
            do throws(SystemError) {
                try System.dieWithParent()
                return nil
            } catch {
                return error
            }
        }
        if let asked {
            throw .startFailed("the host could not ask to die with its parent after switching user: \(asked)")
        }
        guard System.parentProcessID == parent else {
            throw .startFailed("the parent process \(parent) ended while the host switched user")
        }
    }
}
