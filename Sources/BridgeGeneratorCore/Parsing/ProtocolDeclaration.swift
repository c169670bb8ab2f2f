/// A protocol declaration of the target, bridged or not: whether it is bridged depends on
/// what it inherits, which other files may declare, so its requirements are read only once
/// that is known.
struct ProtocolDeclaration: Sendable {
    var name: String
    var placement: Placement
    /// The access level written on it, or nil when none was written.
    var writtenAccess: AccessLevel?
    /// `@available(...)` attributes written on it, which everything generated for it repeats.
    var availability: [String]
    /// Whether it is written `@MainActor`, which a bridged protocol cannot be.
    var isMainActorIsolated = false
    var isGeneric: Bool
    var inherited: [InheritedName]
    /// The index of the body's `{` in its file's tokens, or nil when there is none.
    var body: Int?
    /// Where its `protocol` keyword is.
    var location: SourceLocation
    /// The `#if` condition it is compiled under, or nil when always.
    var condition: String?
    /// The `#if` clauses it is in, which tell a declaration in one branch from its twin in another.
    var branches: [ConditionalBranch] = []

    /// The enclosing type names, outermost first; empty at top level.
    var enclosing: [String] {
        if case .nested(let names) = placement { return names }
        return []
    }

    /// The name other files use: `Namespace.Pinger` for a nested protocol.
    var qualifiedName: String { (enclosing + [name]).joined(separator: ".") }

    /// Whether its inheritance list names `Bridged` itself.
    var namesBridged: Bool { inherited.contains(where: \.isBridged) }
}

extension InheritedName {
    /// `Bridged` or `Bridge.Bridged`.
    var isBridged: Bool { path == ["Bridged"] || path == ["Bridge", "Bridged"] }

    /// A constraint that makes a protocol class-bound, which a struct client cannot satisfy.
    var isClassBound: Bool { ["AnyObject", "class", "Actor", "AnyActor", "DistributedActor"].contains(qualifiedName) }
}
