import Distributed

/// One remote call as it crosses the wire, parent to host, host to parent, or through the
/// parent to another host: whom it is for, which distributed function, and the arguments,
/// already encoded by the invocation encoder.
///
/// Written field by field with the bridge's codec (`_WireWriter`), not as a `Codable` struct:
/// the arguments are appended as they are, and read in place by the host's
/// `InvocationDecoder` with no copy.
struct DistributedCall: Sendable {
    /// The actor called.
    var recipient: BridgeActorSystem.ActorID
    /// The distributed function, as the runtime names it (`RemoteCallTarget.identifier`).
    var target: DistributedTarget
    /// Mangled names of the generic substitutions, in the order recorded.
    var genericSubstitutions: [String]
    /// How many arguments follow.
    var argumentCount: Int

    /// Writes the call, then `arguments` (the encoded argument values, back to back).
    ///
    /// Field by field with the codec's concrete overloads: the generic `Codable` path, for the
    /// list of substitutions above all, cost more than the rest of the call's encoding.
    func write(arguments: ArraySlice<UInt8>, to writer: inout _WireWriter) throws {
        try writer.encode(recipient.system)
        try writer.encode(recipient.host)
        try writer.encode(recipient.actor)
        target.write(to: &writer)
        try writer.encode(genericSubstitutions.count)
        for name in genericSubstitutions { try writer.encode(name) }
        try writer.encode(argumentCount)
        arguments.withUnsafeBytes { writer.writeRaw($0) }
    }

    /// Reads a call; `reader` is left at its first argument.
    static func read(from reader: inout _WireReader) throws -> DistributedCall {
        let system = try reader.decode(UInt32.self)
        let host = try reader.decode(UInt32.self)
        let actor = try reader.decode(UInt64.self)
        let target = try DistributedTarget.read(from: &reader)
        let substitutionCount = try reader.decode(Int.self)
        // Each name takes a byte at least: a count beyond what is left is malformed, not a
        // reason to reserve memory for it.
        guard substitutionCount >= 0, substitutionCount <= reader.remainingCount else {
            throw BridgeError.malformedMessage("a distributed call names \(substitutionCount) generic substitutions")
        }
        var substitutions: [String] = []
        for _ in 0..<substitutionCount { substitutions.append(try reader.decode(String.self)) }
        return DistributedCall(
            recipient: .init(system: system, host: host, actor: actor), target: target, genericSubstitutions: substitutions,
            argumentCount: try reader.decode(Int.self))
    }
}

/// A distributed call's encoded result, and the open files (`BridgeFileDescriptor`) it carries.
struct DistributedReply: Sendable {
    var bytes: [UInt8] = []
    var descriptors: WireDescriptors?

    /// Appends the result to a reply frame, its descriptors included.
    func write(to writer: inout _WireWriter) {
        bytes.withUnsafeBytes { writer.writeRaw($0) }
        if let descriptors, descriptors.count > 0 { writer.descriptors = descriptors }
    }
}
