/// The distributed actors' function tables (`_BridgeDistributedFunctions`): for each function,
/// its name and types, by which the host recognizes its calls, and the code that decodes the
/// arguments, calls the actor and encodes its result.
extension Emitter {
    static func distributedFunctions(_ table: DistributedFunctionTables.Table, into writer: inout CodeWriter) {
        let element = "_BridgeDistributedFunction<\(table.typeName)>"
        writer.block("extension \(table.typeName): _BridgeDistributedFunctions {") { writer in
            writer.line("/// This actor's distributed functions, which a `BridgeActorSystem` host calls directly.")
            // `public` whatever the actor's access: a requirement of a public protocol needs a
            // witness at least as visible as the type, and `public` is allowed on any member.
            writer.block("public static var _bridgeDistributedFunctions: [\(element)] {") { writer in
                writer.line("var functions: [\(element)] = []")
                for function in table.functions {
                    writer.conditional(function.condition) { writer in
                        writer.line("functions.append(")
                        writer.indented { writer in distributedFunction(function, into: &writer) }
                    }
                }
                writer.line("return functions")
            }
        }
    }

    /// One entry: `_BridgeDistributedFunction(name, arguments:, returns:) { object, arguments,
    /// result in ... })`. Every statement counts as the function's line, so that the compiler's
    /// errors in it land there.
    private static func distributedFunction(_ function: BridgedRequirement, into writer: inout CodeWriter) {
        guard case .method(let parameters) = function.kind else { return }
        let name = function.bareName + "(" + parameters.map { $0.signatureLabel + ":" }.joined() + ")"
        let types = parameters.map { "(\($0.type.swift)).self" }.joined(separator: ", ")
        let result = function.methodResult.map { "(\($0.swift)).self" } ?? "Void.self"
        let opener = "_BridgeDistributedFunction(\(literal(name)), arguments: [\(types)], returns: \(result)) { object, arguments, result in"
        writer.block(opener, closer: "})") { writer in
            func statement(_ code: String) {
                writer.sourceLocation(function.location)
                writer.line(code)
            }
            // The host passes the actor as an object, of this type (see `_bridgeDistributedActor`).
            writer.line("let actor = _bridgeDistributedActor(object, as: Self.self)")
            var arguments: [String] = []
            for (position, parameter) in parameters.enumerated() {
                statement("let argument\(position) = try _bridgeDistributedArgument(&arguments, as: (\(parameter.type.swift)).self)")
                arguments.append(parameter.label == "_" ? "argument\(position)" : "\(callLabel(parameter)): argument\(position)")
            }
            // A distributed function called from outside its actor is `async throws`.
            let invocation = "try await actor.\(function.name)(\(arguments.joined(separator: ", ")))"
            if let resultType = function.methodResult {
                // Typed, so that overloads that differ only in their result type are told apart.
                statement("let value: \(resultType.swift) = \(invocation)")
                statement("try _bridgeDistributedResult(value, into: &result)")
            } else {
                statement(invocation)
            }
            writer.endSourceLocation()
        }
    }
}
