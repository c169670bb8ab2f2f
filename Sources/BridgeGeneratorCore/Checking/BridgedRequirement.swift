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
    /// left off: a result builder would rewrite the generated body. So is `@concurrent`: an
    /// async member of the client is `nonisolated(nonsending)`, which may witness a
    /// `@concurrent` requirement, and the two together are an error.
    var clientAttributes: [String] {
        attributes.filter { !Self.isCustomAttribute($0) && $0 != "@concurrent" }
    }

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
