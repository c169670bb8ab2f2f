/// A value owned by the parent that a host it is passed to can read and update: the
/// `multiprocessing.Manager().list()` of swift-process-bridge.
///
/// Create it in the parent and pass it as an argument of a bridged method, directly or inside
/// a `Codable` argument (a struct's property, an array's element). The host receives a handle:
/// its `get()`, `set(_:)` and `update(isolation:_:)` act on the parent's value, over the bridge's side
/// channel, while the parent keeps using the same methods on its own value.
///
/// ```swift
/// protocol Collector: Bridged {
///     func collect(into found: SharedState<[String]>) async throws
/// }
///
/// final class LocalCollector: Collector {             // in the host
///     init() {}
///     func collect(into found: SharedState<[String]>) async throws {
///         try await found.update { $0.append("from the host") }
///     }
/// }
///
/// let found = SharedState<[String]>([])               // in the parent
/// try await bridge.client.collect(into: found)
/// print(try await found.get())                        // ["from the host"]
/// ```
///
/// - **Where it can go.** Only into the arguments of a call from the parent to a host it
///   started. Encoding it anywhere else (a `JSONEncoder`, a configuration, a result or a stream
///   element sent back by a host) throws an `EncodingError`; a handle a host received cannot be
///   passed on to a host of its own. One state can be passed to several hosts, and to one host
///   many times: every handle acts on the same value. A host may keep its handle after the
///   call (in a property, in a task) and use it while the bridge runs.
/// - **Atomic.** The parent holds the value, with a version that counts its changes, under a
///   lock. `update(isolation:_:)` in the parent runs its body once, holding the lock. In a host it is a
///   compare-and-set: the body runs on the latest value the handle knows, and the result is
///   stored only if nobody changed the value meanwhile; otherwise the body runs again on the
///   value the parent sent back. So a host's body may run more than once: it must compute the
///   new value from its input alone, without side effects. Updates from the parent and from
///   any number of hosts never overwrite each other.
/// - **In the parent it is a plain locked value.** `get()`, `set(_:)` and `update(isolation:_:)` never
///   throw there, and work before, without and after any bridge.
/// - **Lifetime.** The parent's value lives as long as the parent's `SharedState` or a host's
///   handle does: when the host drops its last handle, the parent is told and lets go. Once
///   the bridge it came through is stopping (from the host's stop hook on) or the parent is
///   gone, a handle's methods throw `BridgeError.parentGone`.
/// - **Cost.** Each `get` or `set` from a host is one round trip carrying the whole value. An
///   update starts from the value the handle saw last: one round trip when that is still
///   current, two on a handle's first update, one more per lost race. Keep values small, or
///   split large ones into several states.
public final class SharedState<Value: Codable & Sendable>: Codable, Sendable {
    private enum Role: Sendable {
        /// In the parent: the value itself.
        case owner(SharedStateOwner<Value>)
        /// In a host: calls to the parent's value.
        case handle(SharedStateHandle<Value>)
    }

    private let role: Role

    /// Creates a state that the calling process owns.
    /// - Parameter initial: The first value.
    public init(_ initial: Value) {
        role = .owner(SharedStateOwner(initial))
    }

    /// The current value.
    /// - Throws: In a host, `BridgeError.parentGone` once the parent's bridge is stopping or the
    ///   parent is gone, `CancellationError` when the task is cancelled, and `DecodingError`
    ///   when the value cannot be decoded. Never in the parent.
    public func get() async throws -> Value {
        switch role {
        case .owner(let owner): owner.get()
        case .handle(let handle): try await handle.get()
        }
    }

    /// Replaces the value.
    /// - Parameter value: The new value.
    /// - Throws: In a host, as `get()` does, and `EncodingError` when the value cannot be
    ///   encoded. Never in the parent.
    public func set(_ value: Value) async throws {
        switch role {
        case .owner(let owner): owner.set(value)
        case .handle(let handle): try await handle.set(value)
        }
    }

    /// Changes the value atomically: reads it, lets `body` change it, and stores the result,
    /// with no other change in between.
    ///
    /// In the parent the body runs once, holding the state's lock: keep it short, and do not
    /// use this state or call a bridge from it (hosts' calls to the state wait meanwhile). In a
    /// host the body may run more than once, each time on a fresh copy of a newer value, until
    /// its result can be stored: compute the new value and the result from the input alone.
    ///
    /// - Parameters:
    ///   - isolation: The actor `body` runs on; the caller's, by default, so that `body` may
    ///     use what the caller's actor protects.
    ///   - body: Changes the value in place; what it returns, the last time it runs, `update`
    ///     returns. When it throws, the value stays as it was and `update` throws that error.
    /// - Returns: What `body` returned.
    /// - Throws: What `body` threw, and in a host, what `set(_:)` can throw.
    public func update<R>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (inout Value) throws -> R
    ) async throws -> R {
        switch role {
        case .owner(let owner): try owner.update(body)
        case .handle(let handle): try await handle.update(body)
        }
    }

    /// Passes the state to a host; only the arguments of a call from a bridge's parent allow it.
    /// - Throws: `EncodingError` anywhere else, or for a handle a host received;
    ///   `BridgeError.stopped` once the bridge is stopping.
    public func encode(to encoder: any Encoder) throws {
        let owner: SharedStateOwner<Value>
        switch role {
        case .owner(let parentsValue):
            owner = parentsValue
        case .handle:
            throw EncodingError.invalidValue(self, EncodingError.Context(
                codingPath: encoder.codingPath,
                debugDescription: "a \(Self.self) that a host received from its parent cannot be passed on; pass its value (`try await state.get()`), or let the parent pass the state to both hosts"))
        }
        guard let exporter = encoder.userInfo[.bridgeObjectExporter] as? SideChannel else {
            throw EncodingError.invalidValue(self, EncodingError.Context(
                codingPath: encoder.codingPath,
                debugDescription: "a \(Self.self) can only be encoded as an argument of a call from a bridge's parent to its host (directly or inside a Codable argument), not in a result, a configuration or another encoder; to store or send its value, encode `try await state.get()`"))
        }
        var container = encoder.singleValueContainer()
        try container.encode(try exporter.export(owner.export))
    }

    /// Receives a state passed by the parent: a handle to the parent's value.
    /// - Throws: `DecodingError` anywhere but in a host, among the arguments of a call from its
    ///   parent.
    public init(from decoder: any Decoder) throws {
        guard let source = decoder.userInfo[.bridgeObjectSource] as? _BridgeConnection else {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: decoder.codingPath,
                debugDescription: "a \(Self.self) can only be decoded in a host, among the arguments of a call from its parent; decode its value instead"))
        }
        let id = try decoder.singleValueContainer().decode(UInt32.self)
        role = .handle(SharedStateHandle(
            connection: source, object: _BridgeRemoteObject(id: id, releasingThrough: source)))
    }
}
