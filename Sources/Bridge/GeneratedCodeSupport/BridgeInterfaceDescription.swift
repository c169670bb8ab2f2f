/// A bridged protocol as the wire sees it: its name and the signatures of its requirements.
///
/// A method's identity on the wire is a hash of its full signature, and the protocol's hash
/// covers every signature but not their order: a host whose requirements were reordered still
/// serves, a host with a changed signature is refused at the handshake.
public struct _BridgeInterfaceDescription: Sendable {
    /// The protocol's name as written in source.
    public let name: String
    /// The requirement signatures, in declaration order.
    public let signatures: [String]
    package let methodIDs: [UInt64]
    package let hash: UInt64

    /// Creates the description the generator writes for a bridged protocol.
    public init(name: String, signatures: [String]) {
        self.name = name
        self.signatures = signatures
        self.methodIDs = signatures.map(Self.methodID(of:))
        var hasher = StableHash()
        hasher.combine(name)
        for signature in signatures.sorted() { hasher.combine(signature) }
        self.hash = hasher.value
    }

    package static func methodID(of signature: String) -> UInt64 {
        var hasher = StableHash()
        hasher.combine(signature)
        return hasher.value
    }
}

/// 64-bit FNV-1a: the same value in every process and build, unlike `Hasher`.
package struct StableHash {
    package private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    package init() {}

    package mutating func combine(_ text: String) {
        for byte in text.utf8 { mix(byte) }
        mix(0)  // a separator, so that ("ab", "c") and ("a", "bc") differ
    }

    private mutating func mix(_ byte: UInt8) {
        value ^= UInt64(byte)
        value = value &* 0x0000_0100_0000_01b3
    }
}

extension _BridgeInterfaceDescription {
    /// The position of `signature` in `signatures`, for a requirement under `#if` whose position
    /// depends on which conditions hold. Used by generated code only.
    ///
    /// - Parameter signature: A signature that the generated code appended under the same condition.
    public func _index(of signature: String) -> Int {
        guard let index = signatures.firstIndex(of: signature) else {
            preconditionFailure("'\(signature)' is not a requirement of the bridged protocol '\(name)'; regenerate the client.")
        }
        return index
    }
}
