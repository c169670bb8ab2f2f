/// A protocol of the target that is bridged: it names `Bridged`, or inherits a protocol that
/// does; with every requirement its client implements.
struct BridgedProtocol: Hashable, Sendable {
    var name: String
    /// The types it is nested in, outermost first; empty at top level.
    var enclosing: [String] = []
    /// The access level its client and dispatch table get: its own, limited by the enclosing types'.
    var access: AccessLevel
    /// `@available(...)` attributes that everything generated for it repeats.
    var availability: [String] = []
    /// The `#if` condition it is compiled under, or nil when always.
    var condition: String? = nil
    /// The protocols it inherits besides `Bridged` and bridged protocols, as written (`Sendable`).
    var otherInheritedNames: [InheritedName]
    /// The qualified names of every bridged protocol it inherits, directly or not.
    var ancestors: Set<String> = []
    /// Its own requirements and, before them, those of the bridged protocols it inherits,
    /// each signature once.
    var requirements: [BridgedRequirement]
    /// Where its `protocol` keyword is.
    var location: SourceLocation
    /// False when a problem was reported for it: no code is generated then.
    var isValid: Bool

    /// The name generated code uses: `Namespace.Pinger` for a nested protocol. Also the
    /// protocol's name on the wire.
    var qualifiedName: String { (enclosing + [name]).joined(separator: ".") }

    /// The client's own name, declared beside the protocol: `PingerClient`.
    var clientName: String { "\(name)Client" }

    /// The client's name from anywhere: `Namespace.PingerClient`.
    var qualifiedClientName: String { (enclosing + [clientName]).joined(separator: ".") }

    /// The static property on the protocol that lists its dispatch table, unique in the target:
    /// `_bridgeNamespace_PingerMethods`.
    var methodsPropertyName: String { "_bridge\((enclosing + [name]).joined(separator: "_"))Methods" }
}

extension BridgedProtocol {
    /// The qualified names of the protocols that some requirement takes as a callback
    /// (`any P`): their objects live in the parent, which passes them to hosts.
    static func callbackProtocolNames(in protocols: [BridgedProtocol]) -> Set<String> {
        Set(protocols.flatMap(\.requirements).flatMap { requirement -> [String] in
            guard case .method(let parameters) = requirement.kind else { return [] }
            return parameters.compactMap(\.type.callback?.protocolName)
        })
    }
}
