/// Where a declaration sits: what the generated code can refer to depends on it.
enum Placement: Hashable, Sendable {
    case topLevel
    /// Inside type bodies or extensions only; the enclosing names, outermost first.
    case nested(in: [String])
    /// Inside a function, closure or other code body: nothing outside can name it.
    case local
}

/// A `class`, `struct`, `enum` or `actor` declaration: a possible real type, and what an
/// extension elsewhere needs to know about the type it extends.
struct TypeDeclaration: Hashable, Sendable {
    /// `class`, `struct`, `enum` or `actor`.
    var keyword: String = "struct"
    var name: String
    var placement: Placement
    /// The access level written on it, or nil when none was written.
    var writtenAccess: AccessLevel?
    /// Attributes written on it, as written: `@MainActor`, `@MemberwiseInit(.public)`.
    var attributes: [String] = []
    var isGeneric: Bool
    /// A class that subclasses may inherit from cannot satisfy a requirement that names `Self`
    /// the way `BridgeHostable._bridgeMethods` does.
    var isNonFinalClass: Bool
    /// `distributed actor`: a `BridgeActorSystem` host may create it (see `HostableActors`).
    var isDistributed: Bool = false
    var inherited: [InheritedName]
    /// Where its keyword is.
    var location: SourceLocation
    /// The `#if` condition it is compiled under, or nil when always.
    var condition: String?

    /// Whether an attached macro may add members, an `init()` among them: any custom attribute
    /// but the few known to add none.
    var mayGainMembersFromMacros: Bool {
        attributes.contains { attribute in
            guard let first = attribute.dropFirst().first, first.isUppercase else { return false }
            return !["@MainActor", "@Observable"].contains(where: { attribute == $0 })
        }
    }

    /// The name other files use: `Outer.Inner` for a nested type.
    var qualifiedName: String {
        if case .nested(let enclosing) = placement { return (enclosing + [name]).joined(separator: ".") }
        return name
    }
}

extension TypeDeclaration {
    /// The types of `files` that other files can name (none declared inside a function), by
    /// qualified name: for a name declared more than once, its first declaration in file order.
    static func byQualifiedName(in files: [ParsedFile]) -> [String: TypeDeclaration] {
        var declarations: [String: TypeDeclaration] = [:]
        for declaration in files.flatMap(\.typeDeclarations) where declaration.placement != .local {
            if declarations[declaration.qualifiedName] == nil { declarations[declaration.qualifiedName] = declaration }
        }
        return declarations
    }
}

/// An `extension` at top level, which may add conformances to a type declared elsewhere.
struct ExtensionDeclaration: Hashable, Sendable {
    /// The extended type as written, without backticks or generic arguments: `Outer.Inner`.
    var extendedName: String
    /// Whether it extends a specialization such as `Array<Int>`.
    var hasGenericArguments: Bool
    var inherited: [InheritedName]
    /// Where its keyword is.
    var location: SourceLocation
    /// The `#if` condition it is compiled under, or nil when always.
    var condition: String?
}

/// A place that can make a type conform to a protocol, in source order.
enum ConformanceSite: Hashable, Sendable {
    case declaration(TypeDeclaration)
    case `extension`(ExtensionDeclaration)

    var inherited: [InheritedName] {
        switch self {
        case .declaration(let declaration): declaration.inherited
        case .extension(let declaration): declaration.inherited
        }
    }

    var location: SourceLocation {
        switch self {
        case .declaration(let declaration): declaration.location
        case .extension(let declaration): declaration.location
        }
    }

    var condition: String? {
        switch self {
        case .declaration(let declaration): declaration.condition
        case .extension(let declaration): declaration.condition
        }
    }

    /// The names of the scope its inheritance list is read in, outermost first: the enclosing
    /// types of a declaration, the extended type of an extension.
    var scope: [String] {
        switch self {
        case .declaration(let declaration):
            if case .nested(let enclosing) = declaration.placement { return enclosing }
            return []
        case .extension(let declaration): return declaration.extendedName.split(separator: ".").map(String.init)
        }
    }

    /// The name of the conforming type as other files write it.
    var typeName: String {
        switch self {
        case .declaration(let declaration): declaration.qualifiedName
        case .extension(let declaration): declaration.extendedName
        }
    }
}
