/// Spare hosts (`BridgeOptions.spareHosts`): started ahead, so that a replacement takes one that
/// already serves instead of waiting for a process to start (6-7 ms of dynamic loading and
/// runtime start for a Swift binary here). A spare has run `init()` and its start hook, and
/// is pinged like any host; it gets the parent's `restarted` hook when it is taken, and calls
/// only once it serves a slot.
extension HostRelay {
    /// What the relay is starting, and the spares ready.
    struct Supply {
        var nextTask = 0
        /// Replacements and spares being started, by key.
        var running: [Int: Task<Void, Never>] = [:]
        /// Spares started and not yet taken, oldest first.
        var spares: [HostLink] = []
        /// Spares being started.
        var warming = 0
    }

    /// Starts spares until `spareCount` are ready or on the way.
    func topUpSpares() {
        while true {
            let starts = supply.withLock { supply -> Bool in
                guard supply.spares.count + supply.warming < spareCount else { return false }
                supply.warming += 1
                return true
            }
            guard starts else { return }
            let running = run { [self] in
                let link = try? await startSpare()
                let unwanted = supply.withLock { supply -> HostLink? in
                    supply.warming -= 1
                    guard let link else { return nil }
                    // `beginStopping` took the spares under this lock: a spare that comes
                    // later is stopped here.
                    if isStopping { return link }
                    supply.spares.append(link)
                    return nil
                }
                await unwanted?.stop()
            }
            if !running {
                supply.withLock { $0.warming -= 1 }
                return
            }
        }
    }

    /// A spare that still runs, if one is ready; the one taken is replaced in the background.
    func takeSpare() async -> HostLink? {
        while true {
            guard let spare = supply.withLock({ $0.spares.isEmpty ? nil : $0.spares.removeFirst() }) else {
                topUpSpares()
                return nil
            }
            topUpSpares()
            // A spare killed a moment ago may not be reaped yet: its exit descriptor tells.
            if !spare.host.hasEnded { return spare }
            await spare.stop()  // it ended while it waited: reaped already, or reaped now
        }
    }

    /// How many spares are ready; for tests.
    package var readySpares: Int { supply.withLock { $0.spares.count } }

    /// The process ids of the spares ready; for tests.
    package var spareProcessIDs: [Int32] { supply.withLock { $0.spares.map(\.host.id) } }
}
