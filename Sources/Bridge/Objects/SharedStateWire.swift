/// How a host's handle and the parent's value of a `SharedState` talk: three methods of a
/// passed object, written by hand rather than generated.
///
/// - `get()` returns the version, then the value.
/// - `set(_:)` takes the value and returns the new version.
/// - `compareAndSet(expectedVersion:_:)` takes a version and a value; it returns true and the
///   new version when the version was still current and the value is stored, or false, the
///   version and the value that are current instead.
enum SharedStateWire {
    enum Method: Int {
        case get, set, compareAndSet
    }

    /// The signatures name `SharedState` so that an error about a call names it too.
    static let interface = _BridgeInterfaceDescription(name: "SharedState", signatures: [
        "SharedState.get()",
        "SharedState.set(_:)",
        "SharedState.compareAndSet(expectedVersion:_:)",
    ])
}

/// A shared value and how many times it changed, so that a host's compare-and-set can tell
/// whether the value it started from is still current.
struct Versioned<Value> {
    var value: Value
    var version: UInt64

    func write(to writer: inout _WireWriter) throws where Value: Encodable {
        writer.writeUInt64LittleEndian(version)
        try writer.encode(value)
    }

    static func read(from reader: inout _WireReader) throws -> Self where Value: Decodable {
        let version = try reader.readUInt64LittleEndian()
        return Versioned(value: try reader.decode(Value.self), version: version)
    }
}

extension Versioned: Sendable where Value: Sendable {}

/// What a compare-and-set did.
enum CompareAndSetOutcome<Value> {
    /// The value was stored under this version.
    case stored(version: UInt64)
    /// The value had changed; this is the current one.
    case changed(Versioned<Value>)

    func write(to writer: inout _WireWriter) throws where Value: Encodable {
        switch self {
        case .stored(let version):
            writer.writeBool(true)
            writer.writeUInt64LittleEndian(version)
        case .changed(let current):
            writer.writeBool(false)
            try current.write(to: &writer)
        }
    }

    static func read(from reader: inout _WireReader) throws -> Self where Value: Decodable {
        try reader.readBool() ? .stored(version: try reader.readUInt64LittleEndian()) : .changed(try Versioned.read(from: &reader))
    }
}
