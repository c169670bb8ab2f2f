/// Starts a host process with the bridge's socket as its descriptor 3.
enum HostLauncher {
    static func launch(_ options: BridgeOptions) async throws -> _BridgeConnection {
        let (parentEnd, hostEnd): (FileDescriptor, FileDescriptor)
        let wakeUp: WakeUpSignal
        do {
            (parentEnd, hostEnd) = try System.socketPair()
            do {
                wakeUp = try System.makeWakeUpSignal()
            } catch {
                System.close(parentEnd)
                System.close(hostEnd)
                throw error
            }
        } catch {
            throw BridgeError.startFailed("\(error)")
        }
        let path = options.executable ?? System.currentExecutablePath()
        let arguments = [CommandLine.arguments.first ?? path]
        let environment = hostEnvironment(options.environment)
        let pid: ProcessID
        do {
            pid = try await LaunchThread.shared.run {
                try System.spawnHost(path: path, arguments: arguments, environment: environment, bridge: hostEnd)
            }
        } catch {
            System.close(parentEnd)
            System.close(hostEnd)
            System.close(wakeUp)
            throw BridgeError.startFailed("could not start '\(path)': \(error)")
        }
        // The host must hold the only copy of its end, so that its death closes the socket.
        System.close(hostEnd)
        let connection = _BridgeConnection(socket: parentEnd, wakeUp: wakeUp, host: HostProcess(id: pid))
        connection.startReading()
        return connection
    }

    /// The parent's environment (or `replacement`), plus the variable that makes the binary a host.
    private static func hostEnvironment(_ replacement: [String: String]?) -> [String] {
        var environment = replacement.map { $0.map { "\($0.key)=\($0.value)" }.sorted() } ?? System.environment()
        environment.removeAll { $0.hasPrefix(System.hostVariable + "=") }
        environment.append("\(System.hostVariable)=\(System.hostDescriptor.rawValue):\(System.currentProcessID)")
        return environment
    }
}
