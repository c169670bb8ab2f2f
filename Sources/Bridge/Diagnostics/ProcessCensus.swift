import Foundation

/// What this process holds that a bridge could leak: open descriptors, threads, child
/// processes, and children that exited and were never reaped. Read from `/proc`, so Linux only.
///
/// Used by the hygiene tests and by `bridge-soak`; not part of the public API.
package struct ProcessCensus: Codable, Hashable, Sendable, CustomStringConvertible {
    package var descriptors: Int
    package var threads: Int
    /// Of `threads`, the reader threads every bridge shares (`ConnectionReaders`): started as
    /// they are first needed, at most the CPU count, kept for the life of the process. They
    /// are not a bridge's to leak, so `isNoLarger(than:)` leaves them out.
    package var readerThreads: Int
    /// Children that run (or stopped), zombies not included.
    package var children: Int
    package var zombies: Int

    package init(descriptors: Int, threads: Int, readerThreads: Int = 0, children: Int, zombies: Int) {
        self.descriptors = descriptors
        self.threads = threads
        self.readerThreads = readerThreads
        self.children = children
        self.zombies = zombies
    }

    /// Counts what this process holds now; nil where there is no `/proc`.
    package static func take() -> ProcessCensus? {
        // Listing /proc/self/fd opens one descriptor of its own; it is closed again before the
        // next census, so it counts the same in each.
        guard let descriptors = System.directoryEntries("/proc/self/fd"),
              let threads = System.directoryEntries("/proc/self/task"),
              let processes = System.directoryEntries("/proc")
        else { return nil }
        let me = System.currentProcessID
        var children = 0
        var zombies = 0
        for name in processes where name.first?.isNumber == true {
            // A process may end between the listing and the read: then it is nobody's child.
            guard let pid = ProcessID(name), let (state, parent) = System.processStateAndParent(pid), parent == me
            else { continue }
            if state == "Z" { zombies += 1 } else { children += 1 }
        }
        return ProcessCensus(
            descriptors: descriptors.count, threads: threads.count, readerThreads: ConnectionReaders.shared.threadCount,
            children: children, zombies: zombies)
    }

    /// The census once what is on its way out is gone, such as the reader thread of a bridge
    /// that just stopped, which may still be returning after its host was reaped: the first
    /// census no larger than `limit`, or, without a limit, three equal ones in a row. After
    /// `timeout`, whatever it is then.
    /// - Returns: Nil where there is no `/proc`.
    package static func settled(atMost limit: ProcessCensus? = nil, within timeout: Duration = .seconds(1)) async -> ProcessCensus? {
        let deadline = ContinuousClock.now + timeout
        guard var census = take() else { return nil }
        var repeats = 0
        while ContinuousClock.now < deadline {
            if let limit, census.isNoLarger(than: limit) { break }
            if limit == nil, repeats == 2 { break }
            try? await Task.sleep(for: .milliseconds(2))
            guard let next = take() else { return nil }
            repeats = next == census ? repeats + 1 : 0
            census = next
        }
        return census
    }

    /// Whether no count is larger than `other`'s, the shared reader threads left out.
    /// - Parameter poolThreads: How many more threads to allow: after many rounds under load,
    ///   the concurrency runtime may keep a thread it added (at most its width, the CPU count)
    ///   for seconds. Not a leak, which grows with the rounds; give it for repeated rounds only.
    package func isNoLarger(than other: ProcessCensus, sparing poolThreads: Int = 0) -> Bool {
        descriptors <= other.descriptors && threads - readerThreads <= other.threads - other.readerThreads + poolThreads
            && children <= other.children && zombies <= other.zombies
    }

    /// The width of the concurrency runtime's pool: the most threads it may keep after a burst.
    package static var poolWidth: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// A process's resident memory in bytes (`VmRSS` in `/proc/<pid>/status`); nil if it
    /// cannot be read.
    /// - Parameter processID: The process; nil for this one.
    package static func residentMemory(of processID: ProcessID? = nil) -> Int? {
        let path = "/proc/\(processID.map(String.init) ?? "self")/status"
        guard let status = System.readSmallFile(path),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return nil }
        // "VmRSS:     12345 kB"
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 2, let kibibytes = Int(fields[1]) else { return nil }
        return kibibytes * 1024
    }

    package var description: String {
        "\(descriptors) descriptors, \(threads) threads (\(readerThreads) shared readers), \(children) children, \(zombies) zombies"
    }
}
