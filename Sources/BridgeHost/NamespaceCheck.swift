import Bridge

/// Checks the namespaces the host's entry made (`CBridgeIsolation.c`, before any thread
/// started), against the hello: the entry did what the hello asks and nothing failed, no
/// thread is left in the parent's namespaces, the network has only a loopback, up, and every
/// mount is read-only but the writable paths.
struct NamespaceCheck {
    let confinement: HostConfinement

    /// - Throws: `BridgeError.startFailed` naming the step ("namespaces", or
    ///   "no-new-privileges" for the flag the entry sets too) and the call that failed.
    func verify() throws(BridgeError) {
        let outcome = System.entryIsolationOutcome()
        guard let requested = outcome.requested else {
            throw .confinementFailed(step: "namespaces", "the host's entry could not read \(System.isolationVariable)")
        }
        if let failure = outcome.failure {
            let step = failure.call.hasPrefix("prctl(PR_SET_NO_NEW_PRIVS)") ? "no-new-privileges" : "namespaces"
            throw .confinementFailed(step: step, failure.namingErrno + Self.advice(for: failure))
        }
        guard requested == confinement.entryIsolation else {
            throw .confinementFailed(step: "namespaces", "the host's entry was asked for isolation \(requested.rawValue), its hello for \(confinement.entryIsolation.rawValue); build the host executable from the same source as the caller")
        }
        if confinement.network == .none { try verifyNetwork() }
        if let writable = confinement.filesystem.writablePaths { try verifyFilesystem(writable: writable) }
    }

    private func verifyNetwork() throws(BridgeError) {
        try verifyEveryThreadLeft("network") { $0.network }
        let interfaces = System.interfaceNames()
        guard interfaces == ["lo"] else {
            throw .confinementFailed(step: "namespaces", "the host asked for a network of its own but sees the interfaces \(interfaces), not just 'lo'")
        }
        guard try HostPreparation.step("namespaces", { () throws(SystemError) in try System.interfaceIsUp("lo") }) else {
            throw .confinementFailed(step: "namespaces", "the host's loopback interface is down")
        }
    }

    private func verifyFilesystem(writable: [String]) throws(BridgeError) {
        try verifyEveryThreadLeft("mount") { $0.mount }
        let kept = try HostPreparation.step("namespaces") { () throws(SystemError) in try writable.map { path throws(SystemError) in try System.resolvedPath(path) } }
        for path in kept where try HostPreparation.step("namespaces", { () throws(SystemError) in try System.isReadOnlyMount(path) }) {
            throw .confinementFailed(step: "namespaces", "writable path '\(path)' is on a read-only file system")
        }
        // Each mount point, checked by its path: a mount hidden under a later one cannot be
        // reached, and `statvfs` sees the one on top. Not an automount point: `statvfs` would
        // trigger it (its own flags say whether it is read-only).
        for mount in System.mounts() ?? [] where !kept.contains(where: { Self.path(mount.point, isWithin: $0) }) {
            let writable = mount.type == "autofs" ? !mount.isReadOnly : (try? System.isReadOnlyMount(mount.point)) == false
            if writable {
                throw .confinementFailed(step: "namespaces", "'\(mount.point)' is still writable after the host made its world read-only")
            }
        }
        guard try HostPreparation.step("namespaces", { () throws(SystemError) in try System.isReadOnlyMount("/") }) || kept.contains("/") else {
            throw .confinementFailed(step: "namespaces", "'/' is still writable after the host made its world read-only")
        }
    }

    /// Fails unless every thread of the host is in another namespace than the parent's.
    private func verifyEveryThreadLeft(_ kind: String, _ namespace: (System.Namespaces) -> UInt64) throws(BridgeError) {
        guard let parent = confinement.parentNamespaces else { return }
        for thread in System.threads() {
            guard let namespaces = System.namespaces(ofThread: thread) else { continue }  // it ended
            if namespace(namespaces) == namespace(parent) {
                throw .confinementFailed(step: "namespaces", "thread \(thread) of the host is still in the parent's \(kind) namespace")
            }
        }
    }

    private static func path(_ path: String, isWithin directory: String) -> Bool {
        directory == "/" || path == directory || path.hasPrefix(directory + "/")
    }

    /// What to do about a failed call of the entry, as the end of the sentence.
    private static func advice(for failure: SystemError) -> String {
        if failure.call.hasPrefix("realpath") {
            return "; every path in BridgeFilesystemAccess.readOnly(writable:) must exist"
        }
        guard failure.code != 0, failure.call.hasPrefix("unshare(") || failure.call.hasPrefix("write") else { return "" }
        return "; a host's own namespaces need a root parent, or a kernel that lets other users make user namespaces (user.max_user_namespaces above 0, no kernel.unprivileged_userns_clone=0 or AppArmor restriction)"
    }
}
