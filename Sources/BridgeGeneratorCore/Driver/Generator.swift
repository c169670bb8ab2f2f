/// The whole generator as one pure function: source texts in, generated text and diagnostics
/// out. The command line only reads and writes files around it.
enum Generator {
    /// Generates the code for the bridged protocols of `files`.
    ///
    /// - Parameters:
    ///   - files: Every Swift source of the target; their order does not matter.
    ///   - module: The target's module name, whose own imports are left out.
    /// - Returns: The generated file, empty when there are errors, and every diagnostic,
    ///   sorted by file, line and column.
    static func generate(files: [(path: String, text: String)], module: String? = nil) -> (output: String, diagnostics: [Diagnostic]) {
        let sortedFiles = files.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        let parsed = sortedFiles.map { ProtocolParser.parse(path: $0.path, text: $0.text) }
        var diagnostics = parsed.flatMap(\.diagnostics)

        var (protocols, protocolDiagnostics) = ProtocolResolver.bridgedProtocols(files: parsed, module: module)
        diagnostics += protocolDiagnostics
        // A client the target declares itself (one written by hand before the generator
        // existed) wins over the generated one, which would only collide with it.
        let declaredTypes = TypeDeclaration.byQualifiedName(in: parsed).mapValues(\.location)
        protocols.removeAll { bridged in
            guard let client = declaredTypes[bridged.qualifiedClientName] else { return false }
            diagnostics.append(.warning(
                "'\(bridged.qualifiedClientName)' is already declared at \(client.path):\(client.line):\(client.column), so nothing is generated for the bridged protocol '\(bridged.qualifiedName)'; remove that declaration to use the generated client.",
                at: bridged.location))
            return true
        }
        diagnostics += callbacksWithoutGeneratedCode(protocols, declaredTypes: declaredTypes)

        let (links, linkDiagnostics) = ConformanceLinker.links(files: parsed, protocols: protocols, module: module)
        diagnostics += linkDiagnostics
        diagnostics = sorted(diagnostics, fileOrder: sortedFiles.map(\.path))
        guard !diagnostics.contains(where: { $0.severity == .error }) else { return ("", diagnostics) }

        let imports = importLines(parsed.flatMap(\.imports), module: module)
        let actors = HostableActors.find(in: parsed)
        let actorFunctions = DistributedFunctionTables.find(in: parsed)
        return (Emitter.file(protocols: protocols, links: links, imports: imports, actors: actors, actorFunctions: actorFunctions), diagnostics)
    }

    /// Errors for callback parameters whose protocol gets no generated code because its client
    /// is written by hand: the export and the client the generated calls need would be missing.
    private static func callbacksWithoutGeneratedCode(
        _ protocols: [BridgedProtocol], declaredTypes: [String: SourceLocation]
    ) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var reported: Set<[String]> = []  // an inherited requirement is in several protocols
        for bridged in protocols {
            for requirement in bridged.requirements {
                guard case .method(let parameters) = requirement.kind else { continue }
                for callback in Set(parameters.compactMap(\.type.callback)).sorted(by: { $0.clientName < $1.clientName }) {
                    let location = requirement.location
                    guard let client = declaredTypes[callback.clientName],
                          reported.insert([location.path, "\(location.line)", "\(location.column)", callback.clientName]).inserted
                    else { continue }
                    diagnostics.append(.error(
                        "'\(requirement.name)' takes a callback 'any \(callback.protocolName)', but '\(callback.clientName)' is already declared at \(client.path):\(client.line):\(client.column), so nothing is generated for '\(callback.protocolName)' and the callback cannot be served. Remove that declaration to use the generated client.",
                        at: requirement.location))
                }
            }
        }
        return diagnostics
    }

    /// Diagnostics in file order, then by line and column; the order they were found breaks ties.
    private static func sorted(_ diagnostics: [Diagnostic], fileOrder: [String]) -> [Diagnostic] {
        var rank: [String: Int] = [:]
        for (position, path) in fileOrder.enumerated() where rank[path] == nil { rank[path] = position }
        return diagnostics.enumerated().sorted { left, right in
            let (a, b) = (left.element.location, right.element.location)
            let key = { (location: SourceLocation) in (rank[location.path] ?? Int.max, location.line, location.column) }
            if key(a) != key(b) { return key(a) < key(b) }
            return left.offset < right.offset
        }.map(\.element)
    }

    /// The imports for the generated file, after its own `import Bridge`: unconditional ones
    /// sorted, then each `#if` condition's, in the order the conditions first appear.
    ///
    /// An import under `#if` keeps its condition: `import Darwin` from an `#else` branch must
    /// not be copied into a Linux build.
    static func importLines(_ imports: [ImportDeclaration], module: String?) -> [String] {
        let relevant = imports.filter { declaration in
            if declaration.module == module { return false }  // a module does not import itself
            return !(declaration.module == "Bridge" && !declaration.importsDeclaration)  // already imported
        }
        let unconditional = Set(relevant.filter { $0.condition == nil }.map(\.text))
        var lines = unconditional.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var conditions: [String] = []
        var importsByCondition: [String: Set<String>] = [:]
        for declaration in relevant {
            guard let condition = declaration.condition, !unconditional.contains(declaration.text) else { continue }
            if importsByCondition[condition] == nil { conditions.append(condition) }
            importsByCondition[condition, default: []].insert(declaration.text)
        }
        for condition in conditions {
            lines.append("#if \(condition)")
            lines += (importsByCondition[condition] ?? []).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            lines.append("#endif")
        }
        return lines
    }
}
