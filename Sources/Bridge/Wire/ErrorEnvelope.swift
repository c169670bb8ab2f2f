/// An error thrown in the host, as it crosses the wire.
///
/// A `Codable` error travels as its mangled type name and its encoded value, and the caller
/// rebuilds it by looking the name up in its own binary's metadata: no registration. That
/// works when the caller's binary contains the type under the same module and name (always
/// so when the host is the caller's own binary started again), for a plain nominal type
/// (`PlainTypeName`). Otherwise, and for errors that are not `Codable`, the caller gets
/// `BridgeError.remoteError` with the type's name and the error's description.
package struct ErrorEnvelope: Codable, Sendable {
    package var mangledTypeName: String?
    package var typeName: String
    package var description: String
    package var value: [UInt8]?

    package init(_ error: any Error) {
        let type = type(of: error)
        typeName = String(reflecting: type)
        description = String(describing: error)
        if error is CancellationError {
            mangledTypeName = nil
            value = nil
        } else if let encodable = error as? any Encodable {
            var writer = _WireWriter()
            if (try? writer.encode(encodable)) != nil {
                mangledTypeName = _mangledTypeName(type)
                value = writer.bytes
            } else {
                mangledTypeName = nil
                value = nil
            }
        } else {
            mangledTypeName = nil
            value = nil
        }
    }

    /// The error as the caller should see it.
    package var error: any Error {
        if typeName == String(reflecting: CancellationError.self) { return CancellationError() }
        guard let mangledTypeName, let value else { return BridgeError.remoteError(typeName: typeName, description: description) }
        // Only a plain nominal type's name is looked up: another's lookup may take time
        // exponential in its length (`PlainTypeName`).
        guard PlainTypeName.isPlain(mangledTypeName) else {
            return BridgeError.remoteError(
                typeName: typeName, description: description,
                why: "the error's type is Codable, but only a struct, enum or class that is not generic is looked up by name, as another type's name may stand for a type far larger than itself; throw such a type to receive the error as itself")
        }
        guard let type = _typeByName(mangledTypeName) as? any (Error & Decodable).Type else {
            return BridgeError.remoteError(
                typeName: typeName, description: description,
                why: "the error's type is Codable, but this process has no Codable error type of that name; build the caller and the host from the same source to receive it as itself")
        }
        do {
            return try Self.decode(type, from: value)
        } catch {
            return BridgeError.remoteError(
                typeName: typeName, description: description,
                why: "the error did not decode as this process's type of that name: \(error); build the caller and the host from the same source")
        }
    }

    private static func decode<E: Error & Decodable>(_ type: E.Type, from bytes: [UInt8]) throws -> any Error {
        var reader = _WireReader(bytes: bytes)
        return try reader.decode(E.self)
    }
}
