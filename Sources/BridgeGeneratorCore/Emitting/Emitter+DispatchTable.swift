/// The host dispatch table: for each requirement, in the order of the client's interface, the
/// code that decodes a call's arguments, calls the real object and encodes its result.
extension Emitter {
    /// The dispatch table of a top-level protocol, in an extension of the protocol.
    static func dispatchTable(of bridged: BridgedProtocol, into writer: inout CodeWriter) {
        let access = bridged.access.generatedModifier
        extensionBlock(of: bridged, extending: bridged.qualifiedName, into: &writer) { writer in
            writer.line("/// The host dispatch table for `\(bridged.qualifiedName)`, in the order of `\(bridged.qualifiedClientName)._bridgeInterface`.")
            writer.block("\(access)static var \(bridged.methodsPropertyName): [_BridgeMethod<Self>] {") { writer in
                entries(interfaceOrder(bridged.requirements), element: "_BridgeMethod<Self>", into: &writer)
            }
        }
    }

    /// The dispatch table of a nested protocol, built in its client where the protocol's
    /// sibling types resolve. Its generic parameter has a name no user's type has: the
    /// entries spell the requirements' types as written, and a `Real` there (a struct, or
    /// `typealias Real = Double`) would read as the parameter.
    static func dispatchTableFunction(of bridged: BridgedProtocol, requirements: [BridgedRequirement], into writer: inout CodeWriter) {
        let access = bridged.access.generatedModifier
        writer.line("/// The host dispatch table for `\(bridged.qualifiedName)`, in the order of `_bridgeInterface`.")
        writer.block("\(access)static func _bridgeDispatchTable<_BridgeReal: \(bridged.qualifiedName)>(for _: _BridgeReal.Type) -> [_BridgeMethod<_BridgeReal>] {") { writer in
            entries(requirements, element: "_BridgeMethod<_BridgeReal>", into: &writer)
        }
    }

    /// The protocol's dispatch table property of a nested protocol, which asks its client.
    static func dispatchTableForwarder(of bridged: BridgedProtocol, into writer: inout CodeWriter) {
        let access = bridged.access.generatedModifier
        extensionBlock(of: bridged, extending: bridged.qualifiedName, into: &writer) { writer in
            writer.line("/// The host dispatch table for `\(bridged.qualifiedName)`, in the order of `\(bridged.qualifiedClientName)._bridgeInterface`.")
            writer.line("\(access)static var \(bridged.methodsPropertyName): [_BridgeMethod<Self>] { \(bridged.qualifiedClientName)._bridgeDispatchTable(for: Self.self) }")
        }
    }

    /// The body of a dispatch table getter: an array literal, or statements when some entries
    /// are under `#if`.
    private static func entries(_ requirements: [BridgedRequirement], element: String, into writer: inout CodeWriter) {
        guard !requirements.isEmpty else {
            writer.line("[]")
            return
        }
        let always = requirements.filter { $0.condition == nil }
        guard always.count < requirements.count else {
            writer.block("[", closer: "]") { writer in
                for requirement in always { entry(requirement, closerSuffix: ",", into: &writer) }
            }
            return
        }
        writer.block("var methods: [\(element)] = [", closer: "]") { writer in
            for requirement in always { entry(requirement, closerSuffix: ",", into: &writer) }
        }
        for requirement in requirements {
            guard let condition = requirement.condition else { continue }
            writer.conditional(condition) { writer in
                writer.line("methods.append(")
                writer.indented { writer in entry(requirement, closerSuffix: ")", into: &writer) }
            }
        }
        writer.line("return methods")
    }

    /// One entry: `_BridgeMethod(signature) { real, arguments, result in ... }` and then
    /// `closerSuffix`. Every statement counts as the requirement's line, so that the compiler's
    /// errors in it land there.
    private static func entry(_ requirement: BridgedRequirement, closerSuffix: String, into writer: inout CodeWriter) {
        // A requirement that is not async gets an entry a serving loop runs without suspending.
        let label = requirement.isAsync ? "" : "synchronous: "
        writer.block("_BridgeMethod(\(label)\(literal(requirement.signature))) { real, arguments, result in", closer: "}" + closerSuffix) { writer in
            func statement(_ code: String) {
                writer.sourceLocation(requirement.location)
                writer.line(code)
            }
            let tryAwait = requirement.isAsync ? "try await" : "try"
            let invocation: String
            switch requirement.kind {
            case .method(let parameters):
                var arguments: [String] = []
                for (position, parameter) in parameters.enumerated() {
                    statement("let argument\(position) = \(WireCode.decoding(parameter.type, from: "arguments"))")
                    arguments.append(parameter.label == "_" ? "argument\(position)" : "\(callLabel(parameter)): argument\(position)")
                }
                invocation = "\(tryAwait) real.\(requirement.name)(\(arguments.joined(separator: ", ")))"
            case .property:
                invocation = "\(tryAwait) real.\(requirement.name)"
            }
            if let element = requirement.streamElement, let stream = requirement.result {
                // Typed, as a result is below: streams that differ only in their element type.
                statement("let stream: \(stream.swift) = \(invocation)")
                statement("result.attachStream(stream) \(WireCode.elementEncoder(element))")
            } else if let result = requirement.result {
                // Typed, so that overloads that differ only in their result type are told apart.
                statement("let value: \(result.swift) = \(invocation)")
                if result.tupleElements != nil {
                    for encode in WireCode.encoding("value", result, into: "result") { statement(encode) }
                } else {
                    statement("try result.encode(value)")
                }
            } else {
                statement(invocation)
            }
            writer.endSourceLocation()
        }
    }

    /// An argument label in a call: any keyword but `inout`, `var` and `let` may stand there
    /// without backticks, and the compiler warns about needless ones; a raw identifier
    /// (`` `a b` ``, Swift 6.2) keeps its backticks.
    static func callLabel(_ parameter: BridgedParameter) -> String {
        let label = parameter.signatureLabel
        let plain = label.first.map { !$0.isNumber } ?? false
            && label.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "$" }
        return !plain || ["inout", "var", "let"].contains(label) ? "`\(label)`" : label
    }
}
