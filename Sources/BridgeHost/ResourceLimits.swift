import Bridge

/// The resource limits a host sets itself (`BridgeOptions.limits`), soft and hard: the hard
/// limit too, so that the host, once it is another user, cannot raise them again.
struct ResourceLimits {
    let limits: BridgeLimits

    /// Sets each limit given, then reads it back.
    /// - Throws: `BridgeError.startFailed` naming the step "limits" and the call that failed
    ///   (`EPERM` for a host that is not root raising a hard limit), or the limit that reads
    ///   back otherwise.
    func apply() throws(BridgeError) {
        for (resource, wanted) in try HostPreparation.step("limits", settings) {
            let set = try HostPreparation.step("limits") { () throws(SystemError) in
                try System.setLimit(resource, to: wanted)
                return try System.limit(resource)
            }
            guard set == wanted else {
                throw .confinementFailed(step: "limits", "\(resource.name) was set to \(wanted) but reads \(set)")
            }
        }
    }


    /// Each resource to limit and its soft and hard limit.
    private func settings() throws(SystemError) -> [(System.Resource, System.LimitPair)] {
        func same(_ value: Int) -> System.LimitPair { .init(soft: UInt64(value), hard: UInt64(value)) }
        var settings: [(System.Resource, System.LimitPair)] = []
        if let addressSpace = limits.addressSpace { settings.append((.addressSpace, same(addressSpace))) }
        if let cpuTime = limits.cpuTime {
            // Whole seconds, rounded up. The hard limit is a second later: at the soft one the
            // kernel sends SIGXCPU, which says why the host ended; at the hard one, SIGKILL,
            // which would say nothing (with both equal, SIGKILL comes first).
            let (seconds, attoseconds) = cpuTime.components
            let soft = UInt64(max(seconds, 0)) + (attoseconds > 0 ? 1 : 0)
            settings.append((.cpuTime, .init(soft: max(soft, 1), hard: max(soft, 1) + 1)))
        }
        if let openFiles = limits.openFiles { settings.append((.openFiles, same(openFiles))) }
        if let processes = limits.processes { settings.append((.processes, same(processes))) }
        if let fileSize = limits.fileSize { settings.append((.fileSize, same(fileSize))) }
        switch limits.coreDumps {
        case false?: settings.append((.coreSize, same(0)))
        case true?:
            let hard = try System.limit(.coreSize).hard
            settings.append((.coreSize, .init(soft: hard, hard: hard)))
        case nil: break
        }
        return settings
    }
}
