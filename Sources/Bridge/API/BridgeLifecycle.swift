/// Hooks a real type can implement to run code in the host when its bridge starts and stops.
public protocol BridgeLifecycle {
    /// Runs in the host after `init()` and before the first call.
    ///
    /// - Throws: Any error; `Bridge.start()` then throws it (as itself when it is `Codable`)
    ///   and the host exits.
    func bridgeDidStart() async throws

    /// Runs in the host when the parent calls `stop()`, after the calls already sent have
    /// returned. It does not run when the parent dies or the host is killed.
    func bridgeWillStop() async
}

extension BridgeLifecycle {
    /// Does nothing.
    public func bridgeDidStart() async throws {}
    /// Does nothing.
    public func bridgeWillStop() async {}
}

/// Lets a host run calls to this type concurrently instead of one at a time.
///
/// By default a host runs one call at a time, in the order they arrive, so the real type need
/// not be `Sendable`. A `Sendable` type (an actor, or a class that protects its own state)
/// that conforms to this protocol gets each call in its own task as soon as it arrives.
public protocol BridgeConcurrentCalls: Sendable {}
