/// The parent's side of a `SharedState`: the value and its version under a lock, served to the
/// hosts the state is passed to.
final class SharedStateOwner<Value: Codable & Sendable>: Sendable {
    private let current: Locked<Versioned<Value>>

    init(_ initial: Value) {
        current = Locked(Versioned(value: initial, version: 0))
    }

    func get() -> Value { current.withLock { $0.value } }

    /// The value and its version, read together.
    func versioned() -> Versioned<Value> { current.withLock { $0 } }

    /// Stores `value`; returns its version.
    @discardableResult
    func set(_ value: Value) -> UInt64 {
        current.withLock { current in
            current.value = value
            current.version &+= 1
            return current.version
        }
    }

    /// Runs `body` once under the lock, on a copy, so that a body that throws changes nothing.
    func update<R>(_ body: (inout Value) throws -> R) throws -> R {
        try current.withLock { current in
            var value = current.value
            let result = try body(&value)
            current.value = value
            current.version &+= 1
            return result
        }
    }

    /// Stores `value` if the version is still `expected`.
    func compareAndSet(_ value: Value, expected: UInt64) -> CompareAndSetOutcome<Value> {
        current.withLock { current in
            guard current.version == expected else { return .changed(current) }
            current.value = value
            current.version &+= 1
            return .stored(version: current.version)
        }
    }

    /// The state as an object a host can call. Its methods only take the lock, so the side
    /// channel runs them on its reading thread (`neverWaits`); the values are decoded and
    /// encoded outside the lock.
    var export: _BridgeExport {
        let signatures = SharedStateWire.interface.signatures
        func method(_ method: SharedStateWire.Method, _ invoke: @escaping @Sendable (SharedStateOwner, inout _WireReader, inout _WireWriter) throws -> Void) -> _BridgeMethod<SharedStateOwner> {
            _BridgeMethod(signatures[method.rawValue], now: invoke)
        }
        return _BridgeExport(self, [
            method(.get) { owner, _, result in
                try owner.versioned().write(to: &result)
            },
            method(.set) { owner, arguments, result in
                let value = try arguments.decode(Value.self)
                result.writeUInt64LittleEndian(owner.set(value))
            },
            method(.compareAndSet) { owner, arguments, result in
                let expected = try arguments.readUInt64LittleEndian()
                let value = try arguments.decode(Value.self)
                try owner.compareAndSet(value, expected: expected).write(to: &result)
            },
        ], SharedStateWire.interface)
    }
}
