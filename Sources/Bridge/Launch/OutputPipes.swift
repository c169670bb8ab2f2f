/// The pipes that carry a host's standard output and error to the parent, when it reads them:
/// for `BridgeOutput.lines`, both; for `.inherit` under a `fileSize` limit, each that would
/// otherwise be a regular file.
///
/// `RLIMIT_FSIZE` holds for every regular file the host writes, the parent's log that it
/// inherited as its standard error included (`2>log`, `nohup`, a service's log file): the host
/// would be killed with `SIGXFSZ` for a line of its own log, and a crash's backtrace would end
/// it with that signal instead of its own. Such a stream goes through a pipe, and the parent
/// copies what comes to the file as it comes. A terminal, a pipe or `/dev/null` is not limited,
/// and stays the host's own: its buffering and its order with the parent's writes stay as they
/// were. As with `.lines`, `stop()` waits for the copying to end, at most `stopTimeout` (a
/// process the host started may keep the pipe open).
struct OutputPipes: Sendable {
    private var output: (read: FileDescriptor, write: FileDescriptor)?
    private var error: (read: FileDescriptor, write: FileDescriptor)?
    private var discard = false
    private var destination: HostOutputReader.Destination?

    init(_ mode: BridgeOutput, fileSizeLimited: Bool) throws(SystemError) {
        switch mode {
        case .inherit:
            guard fileSizeLimited else { break }
            try makePipes(
                output: System.isRegularFile(.standardOutput), error: System.isRegularFile(.standardError))
            if output != nil || error != nil { destination = .copy }
        case .discard:
            discard = true
        case .lines(let handler):
            try makePipes(output: true, error: true)
            destination = .lines(handler)
        }
    }

    private mutating func makePipes(output makesOutput: Bool, error makesError: Bool) throws(SystemError) {
        if makesOutput { output = try System.pipe() }
        do {
            if makesError { error = try System.pipe() }
        } catch {
            closeAll()
            throw error
        }
    }

    var hostOutput: System.SpawnedOutput { Self.hostEnd(output, discard: discard) }
    var hostError: System.SpawnedOutput { Self.hostEnd(error, discard: discard) }

    private static func hostEnd(_ pipe: (read: FileDescriptor, write: FileDescriptor)?, discard: Bool) -> System.SpawnedOutput {
        if let pipe { return .descriptor(pipe.write) }
        return discard ? .discard : .inherit
    }

    func closeHostEnds() {
        for pipe in [output, error].compactMap({ $0 }) { System.close(pipe.write) }
    }

    func closeAll() {
        for pipe in [output, error].compactMap({ $0 }) {
            System.close(pipe.read)
            System.close(pipe.write)
        }
    }

    /// The reader of the pipes, if any were made.
    func reader() -> HostOutputReader? {
        guard let destination else { return nil }
        return HostOutputReader(output: output?.read, error: error?.read, destination: destination)
    }
}
