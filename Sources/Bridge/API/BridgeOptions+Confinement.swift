extension BridgeOptions {
    /// Fails early, in the parent, when `limits`, `network`, `filesystem` or `noNewPrivileges`
    /// ask for what no host can do: a negative limit, a relative writable path, or, where the
    /// system has no namespaces (Darwin), an option that needs them.
    func checkConfinement() throws(BridgeError) {
        let sizes: [(String, Int?)] = [
            ("addressSpace", limits.addressSpace), ("openFiles", limits.openFiles),
            ("processes", limits.processes), ("fileSize", limits.fileSize),
        ]
        for case let (name, value?) in sizes where value < 0 {
            throw .startFailed("BridgeLimits.\(name) is \(value); a limit cannot be negative")
        }
        if let cpuTime = limits.cpuTime, cpuTime <= .zero {
            throw .startFailed("BridgeLimits.cpuTime is \(cpuTime); give the host some time (at least a second is granted), or leave it nil for no limit")
        }
        if let writable = filesystem.writablePaths, let relative = writable.first(where: { !$0.hasPrefix("/") }) {
            throw .startFailed("BridgeOptions.filesystem lists '\(relative)' as writable; writable paths must be absolute")
        }
        guard !System.hasNamespaces else { return }
        let unsupported = [
            network != .inherit ? "BridgeOptions.network .none" : nil,
            filesystem != .inherit ? "BridgeOptions.filesystem .readOnly" : nil,
            noNewPrivileges ? "BridgeOptions.noNewPrivileges" : nil,
        ].compactMap { $0 }
        if let first = unsupported.first {
            throw .startFailed("\(first) needs Linux (namespaces and PR_SET_NO_NEW_PRIVS), which this system does not have; leave it at its default here, or confine the host another way (a sandbox profile)")
        }
    }
}

extension BridgeFilesystemAccess {
    /// The paths left writable, for `.readOnly`; nil for `.inherit`.
    package var writablePaths: [String]? {
        guard case .readOnly(let writable) = self else { return nil }
        return writable
    }
}
