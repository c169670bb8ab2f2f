/// A host's side of a `SharedState`: calls to the parent's value over the side channel.
final class SharedStateHandle<Value: Codable & Sendable>: Sendable {
    private let connection: _BridgeConnection
    /// Tells the parent to let go of its value when the handle goes away.
    private let object: _BridgeRemoteObject
    /// The value and version last seen, where an update starts: with no other writer it is
    /// current, and the update takes one round trip instead of two.
    private let lastSeen = Locked<Versioned<Value>?>(nil)

    init(connection: _BridgeConnection, object: _BridgeRemoteObject) {
        self.connection = connection
        self.object = object
    }

    func get() async throws -> Value {
        let current = try await call(.get, arguments: { _ in }, result: Versioned<Value>.read)
        lastSeen.withLock { $0 = current }
        return current.value
    }

    func set(_ value: Value) async throws {
        let version = try await call(.set, arguments: { try $0.encode(value) }, result: { try $0.readUInt64LittleEndian() })
        lastSeen.withLock { $0 = Versioned(value: value, version: version) }
    }

    /// Compare-and-set until it succeeds: each failure brings back the current value, on which
    /// the body runs again.
    func update<R>(isolation: isolated (any Actor)? = #isolation, _ body: (inout Value) throws -> R) async throws -> R {
        var current: Versioned<Value>
        if let seen = lastSeen.withLock({ $0 }) {
            current = seen
        } else {
            current = try await call(.get, arguments: { _ in }, result: Versioned<Value>.read)
        }
        while true {
            var value = current.value
            let result = try body(&value)
            let expected = current.version
            let outcome = try await call(.compareAndSet) {
                $0.writeUInt64LittleEndian(expected)
                try $0.encode(value)
            } result: { try CompareAndSetOutcome<Value>.read(from: &$0) }
            switch outcome {
            case .stored(let version):
                lastSeen.withLock { $0 = Versioned(value: value, version: version) }
                return result
            case .changed(let newer):
                lastSeen.withLock { $0 = newer }
                current = newer
            }
        }
    }

    private func call<Result>(
        _ method: SharedStateWire.Method, arguments: (inout _WireWriter) throws -> Void, result: (inout _WireReader) throws -> Result
    ) async throws -> Result {
        try await connection.call(SharedStateWire.interface, method.rawValue, on: object, arguments: arguments, result: result)
    }
}
