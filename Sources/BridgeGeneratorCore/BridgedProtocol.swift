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
    /// The elements when the type is a tuple, which is not Codable and so travels element by
    /// element; nil for any other type. Empty for `Void` as a stream's element.
    var tupleElements: [TupleElement]? = nil
    /// The bridged protocol when the type is `any P`, a callback object the caller passes.
    var callback: CallbackType? = nil
}

/// A bridged protocol of the target that a parameter passes as a callback object (`any
/// Progress`): the caller serves the object, the host gets a client for it.
struct CallbackType: Hashable, Sendable {
    /// The protocol's qualified name: `Namespace.Progress`.
    var protocolName: String
    /// Its client's qualified name, which the host decodes and whose interface the caller serves.
    var clientName: String
}

/// One element of a tuple type: `label: Type` or `Type`.
struct TupleElement: Hashable, Sendable {
    var label: String?
    var type: TypeSpelling
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
    /// Attributes as written: `@discardableResult`, `@IntBuilder<String>`.
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
    /// For a result `AsyncThrowingStream<T, any Error>`, `T`, whose values the host sends one by
    /// one after the reply: `result` is then the stream type as written.
    var streamElement: TypeSpelling? = nil
    var location: SourceLocation
    /// The `#if` condition, inside the protocol's body, under which it is declared; nil when always.
    var condition: String? = nil

    /// The attributes the client's member repeats: the built-in ones (`@available`,
    /// `@discardableResult`). Custom attributes (result builders, global actors, macros) are
    /// left off: a result builder would rewrite the generated body.
    var clientAttributes: [String] { attributes.filter { !Self.isCustomAttribute($0) } }

    /// Whether a custom attribute is written on the requirement. A result builder written on a
    /// requirement is inferred on each witness whose body has no explicit `return`, so the
    /// client's body returns explicitly.
    var hasCustomAttribute: Bool { attributes.contains(where: Self.isCustomAttribute) }

    /// Built-in attributes are spelled in lower case (`@available`, `@_disfavoredOverload`);
    /// custom ones name a type (`@MainActor`, `@ReducerBuilder<State, Action>`).
    private static func isCustomAttribute(_ attribute: String) -> Bool {
        attribute.dropFirst().first.map { $0.isUppercase } ?? false
    }

    /// The method part of the signature, which comments in generated code name the requirement
    /// by: `add(_:Int,_:Int)`, `var name`.
    var methodDescription: String {
        switch kind {
        case .method(let parameters):
            let list = parameters.map { "\($0.signatureLabel):\($0.type.signature)" }.joined(separator: ",")
            return "\(bareName)(\(list))"
        case .property:
            return "var \(bareName)"
        }
    }

    /// The requirement's identity on the wire, which the runtime hashes:
    /// `name(label:Type,...) [async] throws [-> Result]` or `var name:Type [async] throws`.
    var signature: String {
        var text: String
        switch kind {
        case .method:
            text = methodDescription
        case .property(let type):
            text = "var \(bareName):\(type.signature)"
        }
        if isAsync { text += " async" }
        text += " throws"
        if let methodResult { text += " -> \(methodResult.signature)" }
        return text
    }
}

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

/// A name in an inheritance list, with where it is written.
struct InheritedName: Hashable, Sendable {
    /// The dotted path without backticks and without generic arguments: `["Bridge", "Bridged"]`.
    var path: [String]
    var location: SourceLocation

    var lastComponent: String { path.last ?? "" }
    var qualifiedName: String { path.joined(separator: ".") }
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
