/// The client: a struct that conforms to the bridged protocol and forwards each requirement to
/// the host as a call.
extension Emitter {
    /// The client of `bridged`, and for a nested protocol its dispatch table function too.
    static func client(of bridged: BridgedProtocol, into writer: inout CodeWriter) {
        let access = bridged.access.generatedModifier
        let requirements = interfaceOrder(bridged.requirements)
        writer.line("/// Calls a `\(bridged.qualifiedName)` that lives in a bridge's host process.")
        for attribute in bridged.availability { writer.line(attribute) }
        writer.block("\(access)struct \(bridged.clientName): \(bridged.qualifiedName), _BridgeClient {") { writer in
            interface(of: bridged, requirements: requirements, into: &writer)
            writer.blankLine()
            // `_object` names the object the calls go to: the host's root object, or a callback
            // object the caller passed to the host. The runtime's `init(_connection:)` makes a root client.
            writer.line("\(access)let _connection: _BridgeConnection")
            writer.line("\(access)let _object: _BridgeRemoteObject")
            writer.blankLine()
            writer.block("\(access)init(_connection: _BridgeConnection, _object: _BridgeRemoteObject) {") { writer in
                writer.line("self._connection = _connection")
                writer.line("self._object = _object")
            }
            for (index, requirement) in requirements.enumerated() {
                writer.blankLine()
                writer.conditional(requirement.condition) { writer in
                    member(requirement, index: index, access: access, into: &writer)
                }
            }
            if !bridged.enclosing.isEmpty {
                writer.blankLine()
                dispatchTableFunction(of: bridged, requirements: requirements, into: &writer)
            }
        }
    }

    /// `_bridgeInterface`: the protocol's name and its signatures in the order calls number them.
    private static func interface(of bridged: BridgedProtocol, requirements: [BridgedRequirement], into writer: inout CodeWriter) {
        let declaration = "\(bridged.access.generatedModifier)static let _bridgeInterface = _BridgeInterfaceDescription(name: \(literal(bridged.qualifiedName)), signatures:"
        if requirements.isEmpty {
            writer.line("\(declaration) [])")
        } else if requirements.allSatisfy({ $0.condition == nil }) {
            writer.block("\(declaration) [", closer: "])") { writer in
                for requirement in requirements { writer.line("\(literal(requirement.signature)),") }
            }
        } else {
            // An array literal cannot hold `#if`, so the list is built by statements.
            writer.block("\(declaration) {", closer: "}())") { writer in
                writer.block("var signatures: [String] = [", closer: "]") { writer in
                    for requirement in requirements where requirement.condition == nil {
                        writer.line("\(literal(requirement.signature)),")
                    }
                }
                for requirement in requirements {
                    guard let condition = requirement.condition else { continue }
                    writer.conditional(condition) { writer in
                        writer.line("signatures.append(\(literal(requirement.signature)))")
                    }
                }
                writer.line("return signatures")
            }
        }
    }

    /// The client's method or property for `requirement`, the `index`th of the interface.
    private static func member(_ requirement: BridgedRequirement, index: Int, access: String, into writer: inout CodeWriter) {
        var position = "\(index)"
        if requirement.condition != nil {
            // Its position depends on which other `#if`s hold: looked up once.
            writer.line("private static let _bridgeIndex\(index) = _bridgeInterface._index(of: \(literal(requirement.signature)))")
            position = "Self._bridgeIndex\(index)"
        }
        // A directive cannot stand between attributes and their declaration: it goes before them,
        // so that the declaration's own line is the requirement's.
        writer.sourceLocation(requirement.location, linesBefore: requirement.clientAttributes.count)
        for attribute in requirement.clientAttributes { writer.line(attribute) }
        let effects = requirement.isAsync ? "async throws" : "throws"
        let resultDecoder = requirement.streamElement.map(WireCode.elementDecoder)
            ?? requirement.result.map { "{ \(WireCode.decoding($0, from: "$0")) }" } ?? "{ _ in }"
        // A result builder on the requirement is inferred on a body without `return`.
        let returnKeyword = requirement.hasCustomAttribute ? "return " : ""
        /// The call, commented with the requirement it makes, on one line: every part of it
        /// then counts as the requirement's line.
        func body(arguments: String, into writer: inout CodeWriter) {
            writer.line("// \(index): \(requirement.methodDescription)")
            writer.sourceLocation(requirement.location)
            writer.line(returnKeyword + call(requirement, position: position, arguments: arguments, result: resultDecoder))
            writer.endSourceLocation()
        }
        switch requirement.kind {
        case .method(let parameters):
            let names = clientParameterNames(parameters)
            let declarations = zip(parameters, names).map { parameter, name in
                parameter.name != nil && parameter.label == name
                    ? "\(name): \(parameter.type.declared)"
                    : "\(parameter.label) \(name): \(parameter.type.declared)"
            }
            let statements = zip(parameters, names).flatMap { parameter, name in
                WireCode.encoding(Keywords.asExpression(name), parameter.type, into: "$0")
            }
            let encoder = statements.isEmpty ? "{ _ in }" : "{ " + statements.joined(separator: "; ") + " }"
            let resultClause = requirement.methodResult.map { " -> \($0.declared)" } ?? ""
            writer.block("\(access)func \(requirement.name)(\(declarations.joined(separator: ", "))) \(effects)\(resultClause) {") { writer in
                body(arguments: encoder, into: &writer)
            }
        case .property(let type):
            writer.block("\(access)var \(requirement.name): \(type.declared) {") { writer in
                writer.block("get \(effects) {") { writer in
                    body(arguments: "{ _ in }", into: &writer)
                }
            }
        }
    }

    /// An `async` requirement awaits the reply; a plain `throws` one blocks for it. A stream
    /// (always `async`) returns once the host has started it, and decodes each element with
    /// `result`.
    private static func call(_ requirement: BridgedRequirement, position: String, arguments: String, result: String) -> String {
        if requirement.streamElement != nil {
            return "try await _connection.callStream(Self._bridgeInterface, \(position), on: _object, arguments: \(arguments), element: \(result))"
        }
        let function = requirement.isAsync ? "try await _connection.call" : "try _connection.callBlocking"
        return "\(function)(Self._bridgeInterface, \(position), on: _object, arguments: \(arguments), result: \(result))"
    }

    /// The names the client gives its parameters: the user's, or `argumentN` for unnamed ones,
    /// made unique if the user also wrote an `argumentN`.
    static func clientParameterNames(_ parameters: [BridgedParameter]) -> [String] {
        var taken = Set(parameters.compactMap(\.name))
        return parameters.enumerated().map { position, parameter in
            if let name = parameter.name { return name }
            var name = "argument\(position)"
            while taken.contains(name) { name += "_" }
            taken.insert(name)
            return name
        }
    }
}
