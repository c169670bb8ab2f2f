extension HostTermination {
    /// What a limit of ``BridgeLimits`` has to do with this end, as a sentence; nil when none
    /// explains it.
    ///
    /// `SIGXCPU` and `SIGXFSZ` come from the CPU time and file size limits. With an address
    /// space limit, a crash may come from an allocation the limit refused (`SIGABRT` from the
    /// runtime's "failed to allocate" fatal error, or a fault in code that did not check an
    /// allocation), or from any other bug: the parent cannot tell which, as the host's memory
    /// is gone by then, so the sentence says how to tell.
    package func limitExplanation(addressSpaceLimit: Int?) -> String? {
        guard case .signaled(let signal) = self else { return nil }
        let name = System.signalName(signal)
        switch name {
        case "SIGXCPU":
            return "SIGXCPU is sent when a host has used the CPU time it may (BridgeLimits.cpuTime, RLIMIT_CPU): the host ran longer than its limit."
        case "SIGXFSZ":
            return "SIGXFSZ is sent when a host writes past the largest file it may (BridgeLimits.fileSize, RLIMIT_FSIZE)."
        case "SIGABRT", "SIGSEGV", "SIGBUS", "SIGILL", "SIGTRAP":
            guard let addressSpaceLimit else { return nil }
            return "The host had an address space limit of \(addressSpaceLimit) bytes (BridgeLimits.addressSpace, RLIMIT_AS): if its standard error says 'failed to allocate', an allocation failed under that limit, and the remedy is to raise it or allocate less; otherwise the crash has another cause."
        default:
            return nil
        }
    }
}
