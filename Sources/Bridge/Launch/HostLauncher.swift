/// Starts a host process with the bridge's socket as its descriptor 3 and the side channel's
/// as its descriptor 4.
enum HostLauncher {
    /// A started host: the connection to it, and the reader of its output if the parent reads it.
    struct Launched {
        var host: HostProcess
        var connection: _BridgeConnection
        var output: HostOutputReader?
        var executable: HostExecutable
    }

    /// - Parameter relay: Where the connection's clients route their calls, for the first host
    ///   of a supervised bridge (see `HostRelay`).
    /// - Parameter pooled: The host is one of a `BridgePool`'s: its callers never hold a
    ///   thread to read their own replies (see `ConnectionState.loneTasksReadTheirReplies`).
    static func launch(_ options: BridgeOptions, relay: HostRelay? = nil, pooled: Bool = false) async throws -> Launched {
        let executable = try HostExecutable(options.executable)
        let path = executable.path
        // What to close if the launch fails part way.
        var opened: [@Sendable () -> Void] = []
        func closeOpened() { opened.forEach { $0() } }
        let parentEnd, hostEnd, parentSide, hostSide, parentDescriptors, hostDescriptors: FileDescriptor
        let wakeUp: WakeUpSignal
        var sharedFile: FileDescriptor?
        var sharedMemory: SharedMemory?
        do {
            (parentEnd, hostEnd) = try System.socketPair()
            opened += [{ System.close(parentEnd) }, { System.close(hostEnd) }]
            (parentSide, hostSide) = try System.socketPair()
            opened += [{ System.close(parentSide) }, { System.close(hostSide) }]
            (parentDescriptors, hostDescriptors) = try System.socketPair()
            opened += [{ System.close(parentDescriptors) }, { System.close(hostDescriptors) }]
            wakeUp = try System.makeWakeUpSignal()
            opened.append { System.close(wakeUp) }
            if options.usesSharedMemory, let file = try? SharedMemory.create(size: SharedMemoryChannel.memorySize) {
                // Where the system has none (Darwin), the socket carries the frames.
                opened.append { System.close(file) }
                sharedFile = file
                sharedMemory = try SharedMemory(mapping: file, size: SharedMemoryChannel.memorySize)
            }
        } catch {
            closeOpened()
            throw BridgeError.startFailed("\(error)\(Self.whatRanOut(error))")
        }
        let pipes: OutputPipes
        do {
            pipes = try OutputPipes(options.output, fileSizeLimited: options.limits.fileSize != nil)
        } catch {
            closeOpened()
            throw BridgeError.startFailed("could not make pipes for the host's output: \(error)\(Self.whatRanOut(error))")
        }
        let arguments = [CommandLine.arguments.first ?? path]
        let environment = hostEnvironment(
            options.environment, isolation: HostConfinement(options).entryRequest, sharedMemory: sharedFile != nil)
        let pid: ProcessID
        do {
            pid = try await LaunchThread.shared.run { [pipes, sharedFile] in
                try System.spawnHost(
                    path: path, arguments: arguments, environment: environment, bridge: hostEnd, side: hostSide,
                    descriptors: hostDescriptors, sharedMemory: sharedFile, output: pipes.hostOutput, error: pipes.hostError)
            }
        } catch {
            closeOpened()
            pipes.closeAll()
            var hint = Self.whatRanOut(error)
            if hint.isEmpty && !executable.isParent { hint = "; BridgeOptions.executable must name an executable file that links Bridge" }
            throw BridgeError.startFailed("could not start '\(path)': \(error)\(hint)")
        }
        // The host must hold the only copy of its ends, so that its death closes the socket
        // and the pipes.
        System.close(hostEnd)
        System.close(hostSide)
        System.close(hostDescriptors)
        if let sharedFile { System.close(sharedFile) }  // mapped here, and in the host
        pipes.closeHostEnds()
        let output = pipes.reader()
        output?.start(processID: pid)
        let events = options.events
        events?(.spawned(processID: pid, executable: executable.isParent ? System.currentExecutableFile() : path))
        var onExit: (@Sendable (HostTermination) -> Void)?
        if let events { onExit = { events(.hostExited(processID: pid, termination: $0)) } }
        let host = HostProcess(id: pid, addressSpaceLimit: options.limits.addressSpace, onExit: onExit)
        let descriptors = DescriptorChannel(socket: parentDescriptors)
        let side = SideChannel(
            socket: parentSide, descriptors: descriptors, maximumMessageSize: options.maximumMessageSize, hostID: pid)
        let connection = _BridgeConnection(
            socket: parentEnd, wakeUp: wakeUp, peer: host, side: side, descriptors: descriptors,
            sharedMemory: sharedMemory.map { SharedMemoryChannel(memory: $0, socket: parentEnd, side: .parent) },
            maximumMessageSize: options.maximumMessageSize,
            callTimeout: options.callTimeout, events: options.events, relay: relay,
            tracksOverdueCalls: options.restart != .never, loneTasksReadTheirReplies: !pooled,
            batchesCalls: options.batchesCalls ?? System.runsOnOneCPU)
        do {
            try connection.startReading()
        } catch {
            host.send(System.killSignal)
            throw BridgeError.startFailed("could not watch the host (pid \(pid)): \(error)\(Self.whatRanOut(error))")
        }
        side.onMalformedMessage { [weak connection] error in connection?.endBecauseMalformed(error) }
        return Launched(host: host, connection: connection, output: output, executable: executable)
    }

    /// What to do about a start that failed because this process or the system ran out of
    /// something, as the end of the error's sentence; empty for any other failure.
    private static func whatRanOut(_ error: any Error) -> String {
        (error as? SystemError)?.exhaustedResource.map { "; \($0)" } ?? ""
    }

    /// The parent's environment (or `replacement`), plus the variable that makes the binary a
    /// host and the one that asks its entry for `isolation` (see `HostConfinement`).
    private static func hostEnvironment(_ replacement: [String: String]?, isolation: String?, sharedMemory: Bool) -> [String] {
        var environment = replacement.map { $0.map { "\($0.key)=\($0.value)" }.sorted() } ?? System.environment()
        environment.removeAll { $0.hasPrefix(System.hostVariable + "=") || $0.hasPrefix(System.isolationVariable + "=") }
        environment.append(
            "\(System.hostVariable)=\(System.hostDescriptor.rawValue):\(System.currentProcessID)"
                + (sharedMemory ? ":\(System.sharedMemoryMarker)" : ""))
        if let isolation { environment.append("\(System.isolationVariable)=\(isolation)") }
        return environment
    }
}
