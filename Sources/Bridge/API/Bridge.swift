
/// A real object of type `Real` running in its own host process, and the client that calls it.
///
/// ```swift
/// let bridge = try await Bridge<LocalSandbox>.start()
/// let cwd = try await bridge.client.currentDirectory()
/// await bridge.stop()
/// ```
///
/// The host is this binary started again (or `options.executable`). It creates `Real` with
/// `init()` (or `init(configuration:)`, see ``BridgeConfigurable``), runs its start hook, and
/// serves calls until `stop()`, until this `Bridge` is released (then the host exits without
/// its stop hook), or until this process dies (then the host dies too).
public final class Bridge<Real: BridgeStartable>: Sendable {
    /// The typed client: each call runs on the real object in the host.
    public let client: Real.BridgeClient

    /// The host's process id.
    public var processID: Int32 { host.id }

    /// How the host ended, once it has ended and was reaped; nil while it runs.
    public var termination: HostTermination? { host.termination.value }

    private let host: HostProcess
    private let connection: _BridgeConnection

    /// How many objects passed to the host (callbacks, shared state) the host still holds.
    package var passedObjectCount: Int { connection.passedObjectCount }
    private let output: HostOutputReader?
    private let stopTimeout: Duration
    private let events: (@Sendable (BridgeEvent) -> Void)?
    private let stopping = Locked<Task<Void, Never>?>(nil)

    private init(_ launched: HostLauncher.Launched, options: BridgeOptions) {
        self.host = launched.host
        self.connection = launched.connection
        self.output = launched.output
        self.client = Real.BridgeClient(_connection: launched.connection)
        self.stopTimeout = options.stopTimeout
        self.events = options.events
    }

    deinit {
        // Closing our end makes the host exit and the reader reap it.
        connection.disconnect()
    }

    /// Starts a host process that creates a `Real` with `init()` and serves it.
    ///
    /// - Parameter options: The host's working directory, environment, user, executable,
    ///   output, timeouts.
    /// - Returns: A bridge whose `client` is ready for calls.
    /// - Throws: The start hook's error (as itself when it is `Codable`), or `BridgeError`:
    ///   `.startFailed` when the host cannot be started or exits first, `.timedOut` after
    ///   `options.startTimeout`, `.interfaceMismatch` for a host built from other source.
    public static func start(_ options: BridgeOptions = .init()) async throws -> Bridge {
        if Real.self is any BridgeConfigurable.Type {
            throw BridgeError.startFailed("\(String(reflecting: Real.self)) needs a configuration; start it with start(configuration:options:)")
        }
        return try await start(options, configuration: nil)
    }

    /// Starts a host process that creates a `Real` with `init(configuration:)` and serves it.
    ///
    /// - Parameters:
    ///   - configuration: Encoded here and decoded in the host, before the real object exists.
    ///   - options: The host's working directory, environment, user, executable, output,
    ///     timeouts.
    /// - Returns: A bridge whose `client` is ready for calls.
    /// - Throws: What `init(configuration:)` or the start hook threw (as itself when it is
    ///   `Codable`), or `BridgeError` as ``start(_:)`` does.
    public static func start(configuration: Real.Configuration, options: BridgeOptions = .init()) async throws -> Bridge
    where Real: BridgeConfigurable {
        var writer = _WireWriter()
        do {
            try writer.encode(configuration)
        } catch {
            throw BridgeError.startFailed("the configuration of \(String(reflecting: Real.self)) could not be encoded: \(error)")
        }
        return try await start(options, configuration: writer.bytes)
    }

    private static func start(_ options: BridgeOptions, configuration: [UInt8]?) async throws -> Bridge {
        try Task.checkCancellation()
        try options.checkIdentitySwitch()
        try options.checkConfinement()
        try options.checkMaximumMessageSize()
        let options = try options.checkingTimeouts()
        let clock = ContinuousClock()
        let began = clock.now
        let launched = try await HostLauncher.launch(options)
        let connection = launched.connection
        let host = launched.host
        let outcome = OneShot<Bool>()  // true: the host answered; false: the watchdog fired
        let watchdog = Task {
            try? await Task.sleep(for: options.startTimeout)
            if !Task.isCancelled, outcome.set(false) { host.send(System.killSignal) }
        }
        defer { watchdog.cancel() }

        let answer: Frame
        do {
            answer = try await connection.handshake(
                Hello(
                    realType: Real.bridgeRealTypeName,
                    realTypeName: Real.self is any _BridgeServable.Type ? String(reflecting: Real.self) : Real.bridgeRealTypeName,
                    interface: Real.BridgeClient._bridgeInterface,
                    options: options,
                    configuration: configuration))
            outcome.set(true)
        } catch is CancellationError {
            // The host never served: nothing it does now is worth waiting for. It is reaped
            // before start() returns, so that a cancelled start leaves nothing behind.
            host.send(System.killSignal)
            await Task.detached { _ = await host.termination.wait() }.value
            throw CancellationError()
        } catch {
            await end(host)
            guard let error = error as? BridgeError else { throw error }
            let notAHost = launched.executable.notAHostExplanation ?? ""
            if outcome.value == false {
                throw BridgeError.timedOut("the host (pid \(host.id)) did not start serving within \(options.startTimeout); it was killed.\(notAHost)", processID: host.id)
            }
            if error.code == .hostExited, let termination = error.termination {
                throw BridgeError.startFailed(processID: host.id, termination: termination, notAHost, addressSpaceLimit: error.limit)
            }
            throw error
        }

        var payload = answer.payloadReader
        switch answer.kind {
        case .welcome:
            options.events?(.handshakeCompleted(processID: host.id, duration: clock.now - began))
            return Bridge(launched, options: options)
        case .refused:
            await end(host)
            throw (try? payload.decode(BridgeError.self)) ?? .malformedMessage("the host refused to start with a reason that could not be read")
        case .threw:
            await end(host)
            throw (try? payload.decode(ErrorEnvelope.self))?.error ?? BridgeError.malformedMessage("the start hook threw an error that could not be read")
        default:
            await end(host)
            throw BridgeError.malformedMessage("the host answered the handshake with a \(answer.kind) frame")
        }
    }

    /// Stops the host: runs its stop hook after the calls already sent, lets it exit, and reaps it.
    ///
    /// A host that does not exit within `options.stopTimeout` gets `SIGTERM`, then `SIGKILL`.
    /// Later calls fail with `BridgeError.stopped`. Calling `stop()` again waits for the
    /// first stop; cancelling the calling task does not cut the stop short.
    public func stop() async {
        let task = stopping.withLock { running -> Task<Void, Never> in
            if let running { return running }
            let task = Task { [host, connection, output, stopTimeout, events] in
                connection.beginStopping()
                connection.sendControl(.stop)
                await Self.end(host, after: stopTimeout)
                // A process the host started may still hold its output open; do not wait for it
                // longer than for the host.
                _ = await output?.finished.wait(timeout: stopTimeout)
                events?(.stopped(processID: host.id, termination: host.termination.value ?? .unknown))
            }
            running = task
            return task
        }
        await task.value
    }

    /// Makes sure the host is gone and reaped: waits for it to exit, then terminates and
    /// kills it. A host that is stopped (`SIGSTOP`, a debugger) once the grace period is up
    /// is killed at once: it can neither exit nor act on `SIGTERM` until it is continued, so
    /// a second grace period would only keep `stop()` waiting.
    private static func end(_ host: HostProcess, after gracePeriod: Duration = .seconds(1)) async {
        if await host.termination.wait(timeout: gracePeriod) != nil { return }
        if !host.isStopped {
            host.send(System.terminateSignal)
            if await host.termination.wait(timeout: gracePeriod) != nil { return }
        }
        host.send(System.killSignal)
        _ = await host.termination.wait()
    }
}
