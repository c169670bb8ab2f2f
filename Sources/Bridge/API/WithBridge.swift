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
///   - body: What to do with the client.
/// - Returns: What `body` returned.
/// - Throws: What `Bridge.start(_:)` throws, or what `body` threw.
public func withBridge<Real: BridgeHostable, Result>(
    _ type: Real.Type,
    options: BridgeOptions = .init(),
    isolation: isolated (any Actor)? = #isolation,
    _ body: (Real.BridgeClient) async throws -> Result
) async throws -> Result {
    let bridge = try await Bridge<Real>.start(options)
    do {
        let result = try await body(bridge.client)
        await bridge.stop()
        return result
    } catch {
        await bridge.stop()
        throw error
    }
}
