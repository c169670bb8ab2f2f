/// One started host process and the parent's connection to it: what a plain `Bridge` holds for
/// life, and what a `HostRelay` replaces when the host crashes or has served its calls.
final class HostLink: Sendable {
    let host: HostProcess
    let connection: _BridgeConnection
    let output: HostOutputReader?
    /// Pings the host on its side channel, with `BridgeOptions.hangTimeout`.
    let hangWatch: HangWatch?
    private let stopTimeout: Duration
    private let events: (@Sendable (BridgeEvent) -> Void)?
    private let stopping = Locked<Task<Void, Never>?>(nil)

    private init(_ launched: HostLauncher.Launched, options: BridgeOptions) {
        host = launched.host
        connection = launched.connection
        output = launched.output
        stopTimeout = options.stopTimeout
        events = options.events
        hangWatch = options.hangTimeout.map { HangWatch(timeout: $0) }
    }

    /// Starts a host process, hands it the hello and waits until it serves.
    ///
    /// - Parameters:
    ///   - options: Checked options (`checkingTimeouts()`).
    ///   - hello: What the host is to serve.
    ///   - relay: Where the new connection's clients route their calls (see `HostRelay`);
    ///     nil for a connection that carries them itself.
    ///   - pooled: The host is one of a `BridgePool`'s.
    /// - Throws: The start hook's error (as itself when it is `Codable`), or `BridgeError`:
    ///   `.startFailed` when the host cannot be started or exits first, `.timedOut` after
    ///   `options.startTimeout`, `.interfaceMismatch` for a host built from other source;
    ///   `CancellationError` (the host is killed and reaped first).
    static func start(_ options: BridgeOptions, hello: Hello, relay: HostRelay? = nil, pooled: Bool = false) async throws -> HostLink {
        let began = ContinuousClock.now
        let launched = try await HostLauncher.launch(options, relay: relay, pooled: pooled)
        let answer = try await step(of: launched, within: options.startTimeout) { connection in
            try await connection.awaitReady()
            return try await connection.handshake(hello)
        }
        return try await welcomed(launched, answer: answer, options: options, since: began)
    }

    /// Starts a host process and waits until it is ready for its hello: a host launched ahead
    /// of time, for `BridgeReserve`. It serves nothing until `start(_:options:hello:)`; closing
    /// its connection makes it exit.
    /// - Throws: As `start(_:hello:relay:pooled:)`.
    static func launchReady(_ options: BridgeOptions) async throws -> HostLauncher.Launched {
        let launched = try await HostLauncher.launch(options)
        try await step(of: launched, within: options.startTimeout) { try await $0.awaitReady() }
        return launched
    }

    /// Hands a host from `launchReady` its hello and waits until it serves.
    /// - Parameter options: The options it was launched with.
    /// - Throws: As `start(_:hello:relay:pooled:)`.
    static func start(_ launched: HostLauncher.Launched, options: BridgeOptions, hello: Hello) async throws -> HostLink {
        let began = ContinuousClock.now
        let answer = try await step(of: launched, within: options.startTimeout) { try await $0.handshake(hello) }
        return try await welcomed(launched, answer: answer, options: options, since: began)
    }

    /// Runs a step of a start (waiting for the host's ready, or for its answer to the hello)
    /// with a watchdog that kills the host when `timeout` passes first. A step that fails ends
    /// the host (reaped before this returns) and throws what the caller can act on.
    private static func step<Result>(
        of launched: HostLauncher.Launched, within timeout: Duration, _ body: (_BridgeConnection) async throws -> Result
    ) async throws -> Result {
        let host = launched.host
        let outcome = OneShot<Bool>()  // true: the host answered; false: the watchdog fired
        let watchdog = Task {
            try? await Task.sleep(for: timeout)
            if !Task.isCancelled, outcome.set(false) { host.send(System.killSignal) }
        }
        defer { watchdog.cancel() }
        do {
            let result = try await body(launched.connection)
            outcome.set(true)
            return result
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
                throw BridgeError.timedOut("the host (pid \(host.id)) did not start serving within \(timeout); it was killed.\(notAHost)", processID: host.id)
            }
            if error.code == .hostExited, let termination = error.termination {
                throw BridgeError.startFailed(processID: host.id, termination: termination, notAHost, addressSpaceLimit: error.limit)
            }
            throw error
        }
    }

    /// The link to a host that answered its hello, or the error its answer carried (the host
    /// is reaped first).
    private static func welcomed(
        _ launched: HostLauncher.Launched, answer: Frame, options: BridgeOptions, since began: ContinuousClock.Instant
    ) async throws -> HostLink {
        let host = launched.host
        var payload = answer.payloadReader
        switch answer.kind {
        case .welcome:
            options.events?(.handshakeCompleted(processID: host.id, duration: .now - began))
            let link = HostLink(launched, options: options)
            if let hangWatch = link.hangWatch, let side = launched.connection.side { hangWatch.start(side: side, host: host) }
            return link
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
    /// A host that does not exit within `stopTimeout` gets `SIGTERM`, then `SIGKILL`. Later
    /// calls fail with `BridgeError.stopped`. Calling `stop()` again waits for the first stop;
    /// cancelling the calling task does not cut the stop short.
    func stop() async {
        let task = stopping.withLock { running -> Task<Void, Never> in
            if let running { return running }
            let task = Task { [host, connection, output, stopTimeout, events, hangWatch] in
                hangWatch?.cancel()
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

    /// Ends the connection without the stop hook: the host sees its socket close and exits,
    /// and the connection's reader reaps it (killing it if it does not exit within a second).
    func disconnect() {
        hangWatch?.cancel()
        connection.disconnect()
    }

    /// Makes sure the host is gone and reaped: waits for it to exit, then terminates and
    /// kills it. A host that is stopped (`SIGSTOP`, a debugger) once the grace period is up
    /// is killed at once: it can neither exit nor act on `SIGTERM` until it is continued, so
    /// a second grace period would only keep `stop()` waiting.
    static func end(_ host: HostProcess, after gracePeriod: Duration = .seconds(1)) async {
        if await host.termination.wait(timeout: gracePeriod) != nil { return }
        if !host.isStopped {
            host.send(System.terminateSignal)
            if await host.termination.wait(timeout: gracePeriod) != nil { return }
        }
        host.send(System.killSignal)
        _ = await host.termination.wait()
    }
}
