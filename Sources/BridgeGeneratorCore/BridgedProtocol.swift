/// How visible a declaration is, from least to most.
enum AccessLevel: Int, Comparable, Hashable, Sendable {
    case `private`
    case `fileprivate`
    case `internal`
    case `package`
    case `public`
    case `open`

    init?(modifier: String) {
        switch modifier {
        case "private": self = .private
        case "fileprivate": self = .fileprivate
        case "internal": self = .internal
        case "package": self = .package
        case "public": self = .public
        case "open": self = .open
        default: return nil
        }
    }

    static func < (lhs: AccessLevel, rhs: AccessLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The modifier, with its trailing space, that generated declarations get; `open` only
    /// applies to classes, so it becomes `public`, and internal needs no modifier.
    var generatedModifier: String {
        switch self {
        case .open, .public: "public "
        case .package: "package "
        case .internal, .fileprivate, .private: ""
        }
    }
}

/// A type as a requirement writes it.
struct TypeSpelling: Hashable, Sendable {
    /// The whole annotation for generated declarations, ownership specifiers and type
    /// attributes included (`sending Report`): the user's tokens, one space wherever the
    /// source had whitespace or a comment between two of them.
    var declared: String
    /// The type alone, as `declared` spells it, for `Type.self` in generated code.
    var swift: String
    /// The type alone in a wire signature: the tokens with nothing between them and no backticks.
    var signature: String
}

/// One parameter of a bridged method.
struct BridgedParameter: Hashable, Sendable {
    /// The argument label as written, backticks kept; `_` when calls pass no label.
    var label: String
    /// The name inside the function as written, or nil when the user wrote `_` or no name.
    var name: String?
    var type: TypeSpelling

    /// The label in a wire signature: no backticks.
    var signatureLabel: String {
        label.count >= 2 && label.hasPrefix("`") && label.hasSuffix("`") ? String(label.dropFirst().dropLast()) : label
    }
}

/// One requirement of a bridged protocol that passed every check.
struct BridgedRequirement: Hashable, Sendable {
    /// A method or an effectful read-only property.
    enum Kind: Hashable, Sendable {
        case method(parameters: [BridgedParameter])
        /// A read-only property of this type.
        case property(type: TypeSpelling)
    }

    var kind: Kind
    /// The name as written, backticks kept.
    var name: String
    /// The name without backticks, as a wire signature spells it.
    var bareName: String
    /// Attributes as written (`@discardableResult`), copied onto the client's member.
    var attributes: [String]
    var isAsync: Bool
    /// What a call returns: a method's result type, nil for `Void`; a property's type.
    var result: TypeSpelling? {
        switch kind {
        case .method: methodResult
        case .property(let type): type
        }
    }
    /// A method's result type, nil for `Void`; nil for a property.
    var methodResult: TypeSpelling?
    var location: SourceLocation

    /// The requirement's identity on the wire, which the runtime hashes:
    /// `name(label:Type,...) [async] throws [-> Result]` or `var name:Type [async] throws`.
    var signature: String {
        var text: String
        switch kind {
        case .method(let parameters):
            let list = parameters.map { "\($0.signatureLabel):\($0.type.signature)" }.joined(separator: ",")
            text = "\(bareName)(\(list))"
        case .property(let type):
            text = "var \(bareName):\(type.signature)"
        }
        if isAsync { text += " async" }
        text += " throws"
        if let methodResult { text += " -> \(methodResult.signature)" }
        return text
    }
}

/// A protocol whose inheritance list names `Bridged`.
struct BridgedProtocol: Hashable, Sendable {
    var name: String
    var access: AccessLevel
    /// The protocols it inherits besides `Bridged`, as written (`Sendable`, `Demo.Other`).
    var otherInheritedNames: [InheritedName]
    var requirements: [BridgedRequirement]
    /// Where its `protocol` keyword is.
    var location: SourceLocation
    /// False when a problem was reported for it: no code is generated then.
    var isValid: Bool
}

/// A name in an inheritance list, with where it is written.
struct InheritedName: Hashable, Sendable {
    /// The dotted path without backticks and without generic arguments: `["Bridge", "Bridged"]`.
    var path: [String]
    var location: SourceLocation

    var lastComponent: String { path.last ?? "" }
    var qualifiedName: String { path.joined(separator: ".") }
}
