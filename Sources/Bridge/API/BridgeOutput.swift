/// Where a host's standard output and standard error go.
///
/// ```swift
/// let options = BridgeOptions(output: .lines { line in
///     print("[host \(line.processID) \(line.stream)] \(line.text)")
/// })
/// ```
public enum BridgeOutput: Sendable {
    /// The host writes to the parent's standard output and standard error.
    ///
    /// Under a ``BridgeLimits/fileSize`` limit, one that is a regular file reaches the host
    /// as a pipe, which the parent copies to the file as bytes come: the limit would otherwise
    /// end the host for writing to the parent's log.
    case inherit
    /// The host writes to `/dev/null`.
    case discard
    /// The parent reads both streams and calls the handler once for each line.
    ///
    /// The handler runs on a thread of the bridge, one line at a time, in the order the host
    /// wrote them to each stream. A last line without a newline is handed over when the host
    /// exits; a line longer than 64 KiB is handed over in pieces. The host's standard output
    /// is line buffered, so `print` in the host arrives line by line. `Bridge.stop()` returns
    /// after the last line was handled.
    ///
    /// To read the lines as an `AsyncStream`, yield them from the handler:
    ///
    /// ```swift
    /// let (lines, continuation) = AsyncStream.makeStream(of: BridgeOutputLine.self)
    /// let bridge = try await Bridge<Worker>.start(.init(output: .lines { continuation.yield($0) }))
    /// ```
    case lines(@Sendable (BridgeOutputLine) -> Void)
}

/// A line a host wrote to its standard output or standard error.
public struct BridgeOutputLine: Sendable, Hashable, CustomStringConvertible {
    /// Which of a host's output streams a line came from.
    public enum Stream: Sendable, Hashable, CustomStringConvertible {
        /// Standard output (descriptor 1).
        case standardOutput
        /// Standard error (descriptor 2).
        case standardError

        /// `stdout` or `stderr`.
        public var description: String {
            switch self {
            case .standardOutput: "stdout"
            case .standardError: "stderr"
            }
        }
    }

    /// The host's process id.
    public var processID: Int32
    /// The stream the host wrote the line to.
    public var stream: Stream
    /// The line, without its newline. Bytes that are not UTF-8 appear as U+FFFD.
    public var text: String

    /// Creates a line.
    public init(processID: Int32, stream: Stream, text: String) {
        self.processID = processID
        self.stream = stream
        self.text = text
    }

    /// The line tagged with its host and stream, as `[pid 123 stderr] text`.
    public var description: String { "[pid \(processID) \(stream)] \(text)" }
}
