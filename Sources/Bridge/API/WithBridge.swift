/// Starts a bridge, runs `body` with its client, and always stops and reaps the host.
///
/// The host is stopped when `body` returns, when it throws, and when the task is cancelled
/// (calls then throw `CancellationError`, which ends `body`).
///
/// ```swift
/// let cwd = try await withBridge(LocalSandbox.self) { sandbox in
///     try await sandbox.currentDirectory()
/// }
/// ```
/// - Parameters:
///   - type: The real type to create in the host.
///   - options: How to start the host.
///   - isolation: The actor `body` runs on; the caller's, by default.
///   - body: What to do with the client.
/// - Returns: What `body` returned.
/// - Throws: What `Bridge.start(_:)` throws, or what `body` threw.
public func withBridge<Real: BridgeStartable, Result>(
    _ type: Real.Type,
    options: BridgeOptions = .init(),
    isolation: isolated (any Actor)? = #isolation,
    _ body: (Real.BridgeClient) async throws -> Result
) async throws -> Result {
    try await run(body, on: Bridge<Real>.start(options))
}

/// Starts a bridge whose real type is created with a configuration, runs `body` with its
/// client, and always stops and reaps the host.
///
/// ```swift
/// let count = try await withBridge(Indexer.self, configuration: Limits(maximumFiles: 100)) { index in
///     try await index.count()
/// }
/// ```
/// - Parameters:
///   - type: The real type to create in the host.
///   - configuration: What the host passes to `init(configuration:)`.
///   - options: How to start the host.
///   - isolation: The actor `body` runs on; the caller's, by default.
///   - body: What to do with the client.
/// - Returns: What `body` returned.
/// - Throws: What `Bridge.start(configuration:options:)` throws, or what `body` threw.
public func withBridge<Real: BridgeConfigurable, Result>(
    _ type: Real.Type,
    configuration: Real.Configuration,
    options: BridgeOptions = .init(),
    isolation: isolated (any Actor)? = #isolation,
    _ body: (Real.BridgeClient) async throws -> Result
) async throws -> Result {
    try await run(body, on: Bridge<Real>.start(configuration: configuration, options: options))
}

/// Runs `body` and stops the bridge however `body` ends.
private func run<Real: BridgeStartable, Result>(
    _ body: (Real.BridgeClient) async throws -> Result,
    on bridge: Bridge<Real>,
    isolation: isolated (any Actor)? = #isolation
) async throws -> Result {
    try await runStopping(bridge.client, stop: bridge.stop, body)
}

/// Runs `body` with `client`, then `stop`, however `body` ends: the scope of `withBridge`
/// and `withBridgePool`.
func runStopping<Client: Sendable, Result>(
    _ client: Client,
    stop: () async -> Void,
    _ body: (Client) async throws -> Result,
    isolation: isolated (any Actor)? = #isolation
) async throws -> Result {
    do {
        let result = try await body(client)
        await stop()
        return result
    } catch {
        await stop()
        throw error
    }
}
