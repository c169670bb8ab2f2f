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
