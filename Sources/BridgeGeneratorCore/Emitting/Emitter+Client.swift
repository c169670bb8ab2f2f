/// The client: a struct that conforms to the bridged protocol and forwards each requirement to
/// the host as a call.
extension Emitter {
    /// The client of `bridged`, and for a nested protocol its dispatch table function too.
    static func client(of bridged: BridgedProtocol, into writer: inout CodeWriter) {
        let access = bridged.access.generatedModifier
        let requirements = interfaceOrder(bridged.requirements)
        writer.line("/// Calls a `\(bridged.qualifiedName)` that lives in a bridge's host process.")
        for attribute in bridged.availability { writer.line(attribute) }
        // `nonisolated`, here and on every extension the generator writes for a bridged protocol:
        // in a target whose default isolation is the main actor (`.defaultIsolation`), the
        // client, its conformances and the dispatch tables would otherwise be the main actor's,
        // and a bridge encodes, calls and serves off it.
        writer.block("nonisolated \(access)struct \(bridged.clientName): \(bridged.qualifiedName), _BridgeClient {") { writer in
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
        // The call's number in the interface, and the method it calls.
        writer.line("// \(index): \(requirement.methodDescription)")
        // The declaration counts as the requirement's line, and its body as the generated file's
        // again. A directive cannot stand between attributes and their declaration: it goes
        // before them.
        writer.sourceLocation(requirement.location, linesBefore: requirement.clientAttributes.count)
        for attribute in requirement.clientAttributes { writer.line(attribute) }
        let effects = requirement.isAsync ? "async throws" : "throws"
        // An async member runs on its caller's executor: a call from the main actor (or any
        // actor) writes its call and reads its reply there, with no hop to the pool and back.
        let isolation = requirement.isAsync ? "nonisolated(nonsending) " : ""
        let call = Call(requirement: requirement, position: position)
        switch requirement.kind {
        case .method(let parameters):
            let names = clientParameterNames(parameters)
            let declarations = zip(parameters, names).map { parameter, name in
                parameter.name != nil && parameter.label == name
                    ? "\(name): \(parameter.type.declared)"
                    : "\(parameter.label) \(name): \(parameter.type.declared)"
            }
            let encoding = zip(parameters, names).flatMap { parameter, name in
                WireCode.encoding(Keywords.asExpression(name), parameter.type, into: "$0")
            }
            let resultClause = requirement.methodResult.map { " -> \($0.declared)" } ?? ""
            writer.block("\(access)\(isolation)func \(requirement.name)(\(declarations.joined(separator: ", "))) \(effects)\(resultClause) {") { writer in
                writer.endSourceLocation()
                call.write(encoding: encoding, into: &writer)
            }
        case .property(let type):
            writer.block("\(access)\(isolation)var \(requirement.name): \(type.declared) {") { writer in
                writer.block("get \(effects) {") { writer in
                    writer.endSourceLocation()
                    call.write(encoding: [], into: &writer)
                }
            }
        }
    }

    /// The call a client member makes, one argument per line.
    private struct Call {
        var requirement: BridgedRequirement
        /// The method's index in the interface, or the expression that looks it up.
        var position: String

        /// An `async` requirement awaits the reply; a plain `throws` one blocks for it. A stream
        /// (always `async`) returns once the host has started it, and decodes each element.
        /// `encoding` are the statements that encode the arguments into `$0`.
        ///
        /// A result builder on the requirement is inferred on a body without `return`, so one
        /// is written when the requirement has a custom attribute. The closures' statements
        /// each count as the requirement's line: a type that is not `Codable` is an error there.
        func write(encoding: [String], into writer: inout CodeWriter) {
            let returnKeyword = requirement.hasCustomAttribute ? "return " : ""
            // `self.`: a parameter may be named `_connection` or `_object`.
            let function = requirement.streamElement != nil ? "try await self._connection.callStream"
                : requirement.isAsync ? "try await self._connection.call" : "try self._connection.callBlocking"
            writer.block("\(returnKeyword)\(function)(", closer: ")") { writer in
                writer.line("Self._bridgeInterface,")
                writer.line("\(position),")
                writer.line("on: self._object,")
                closure("arguments", statements: encoding, empty: "{ _ in }", isLast: false, into: &writer)
                if let element = requirement.streamElement {
                    // A `Void` element is nothing on the wire.
                    let isVoid = element.tupleElements?.isEmpty ?? false
                    closure("element", statements: isVoid ? [] : [WireCode.decoding(element, from: "$0")], empty: "{ _ in () }", isLast: true, into: &writer)
                } else {
                    let decoding = requirement.result.map { [WireCode.decoding($0, from: "$0")] } ?? []
                    closure("result", statements: decoding, empty: "{ _ in }", isLast: true, into: &writer)
                }
            }
        }

        /// `label: { ... }` with each statement on its own line under a `#sourceLocation`, or
        /// `label: empty` without statements.
        private func closure(_ label: String, statements: [String], empty: String, isLast: Bool, into writer: inout CodeWriter) {
            let comma = isLast ? "" : ","
            guard !statements.isEmpty else {
                writer.line("\(label): \(empty)\(comma)")
                return
            }
            writer.block("\(label): {", closer: "}" + comma) { writer in
                for statement in statements {
                    writer.sourceLocation(requirement.location)
                    writer.line(statement)
                }
                writer.endSourceLocation()
            }
        }
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
