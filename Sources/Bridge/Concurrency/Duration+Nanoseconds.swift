extension Duration {
    /// The duration in whole nanoseconds, rounded down; 0 for a negative one. The one
    /// conversion for the waits that take nanoseconds (futexes, semaphores); durations the
    /// package waits for fit easily (`BridgeOptions` caps its timeouts).
    var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : scaled &+ attoseconds / 1_000_000_000
    }
}
