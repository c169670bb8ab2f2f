/// What a host confines itself to before its real type exists (`BridgeOptions.limits`,
/// `.network`, `.filesystem`, `.noNewPrivileges`), carried in the hello.
///
/// The namespaces and no-new-privileges can only be set up while the host has one thread
/// (`unshare` and `PR_SET_NO_NEW_PRIVS` change the calling thread alone), before the hello
/// can arrive: the parent also asks for them in the host's environment (`entryRequest`), the
/// host's C entry sets them up (`CBridgeIsolation.c`), and the host checks what it did against
/// this.
package struct HostConfinement: Codable, Sendable, Hashable {
    package var limits: BridgeLimits
    package var network: BridgeNetworkAccess
    package var filesystem: BridgeFilesystemAccess
    /// `BridgeOptions.noNewPrivileges`, or a `user` to switch to.
    package var noNewPrivileges: Bool
    /// Whether the namespaces are made in a user namespace of the host's own: for a parent that
    /// is not root.
    package var userNamespace: Bool
    /// The parent's namespaces, which every thread of the host must have left; nil if the
    /// parent could not read them.
    package var parentNamespaces: System.Namespaces?

    package init(_ options: BridgeOptions, parentIsRoot: Bool = System.effectiveUserID == 0) {
        limits = options.limits
        network = options.network
        filesystem = options.filesystem
        // Implied by `user` only where the system has it: a user switch works on Darwin too.
        noNewPrivileges = options.noNewPrivileges || (options.user != nil && System.hasNamespaces)
        userNamespace = !parentIsRoot && (options.network != .inherit || options.filesystem != .inherit)
        parentNamespaces = options.network != .inherit || options.filesystem != .inherit ? System.namespaces() : nil
    }

    /// What the host's entry sets up.
    package var entryIsolation: System.EntryIsolation {
        var isolation: System.EntryIsolation = []
        if network == .none { isolation.insert(.network) }
        if filesystem.writablePaths != nil { isolation.insert(.filesystem) }
        if userNamespace { isolation.insert(.userNamespace) }
        if noNewPrivileges { isolation.insert(.noNewPrivileges) }
        return isolation
    }

    /// The value of `System.isolationVariable` for the host's environment; nil when the entry
    /// has nothing to do. The flags, then each writable path in hexadecimal after a colon.
    package var entryRequest: String? {
        let isolation = entryIsolation
        guard !isolation.isEmpty else { return nil }
        let digits = Array("0123456789abcdef".utf8)
        let paths = (filesystem.writablePaths ?? []).map { path in
            ":" + String(decoding: path.utf8.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] }, as: UTF8.self)
        }
        return String(isolation.rawValue) + paths.joined()
    }
}
