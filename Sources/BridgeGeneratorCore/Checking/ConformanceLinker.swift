/// Finds the real types of a target, the ones that conform to one of its bridged protocols,
/// and decides which can be linked to their client by generated code.
///
/// A link is `extension T: BridgeHostable { typealias BridgeClient = PClient }` in another
/// file, so the type must be nameable from there, not generic, and no more visible than the
/// client (a public type's conformance to the public `BridgeHostable` needs public witnesses).
/// A type that cannot be linked gets a warning saying why, and the build goes on. A type that
/// implements a callback protocol is not linked: it lives in the parent, and a type there need
/// not have the `init()` that `BridgeHostable` asks for; to host one too, write the link.
enum ConformanceLinker {
    static func links(files: [ParsedFile], protocols: [BridgedProtocol], module: String? = nil) -> (links: [RealTypeLink], diagnostics: [Diagnostic]) {
        var byQualifiedName: [String: BridgedProtocol] = [:]
        var bySimpleName: [String: [BridgedProtocol]] = [:]
        // A protocol declared once in each branch of an `#if`: a type is linked under each.
        var twins: [String: [BridgedProtocol]] = [:]
        for bridged in protocols {
            twins[bridged.qualifiedName, default: []].append(bridged)
            guard byQualifiedName[bridged.qualifiedName] == nil else { continue }
            byQualifiedName[bridged.qualifiedName] = bridged
            bySimpleName[bridged.name, default: []].append(bridged)
        }
        /// The bridged protocol an inheritance entry of `site` names: looked up from the site's
        /// scope outwards, or by its last name when only one bridged protocol has it.
        func bridgedProtocol(_ inherited: InheritedName, at site: ConformanceSite) -> BridgedProtocol? {
            if let found = ScopedName(inherited.path, in: site.scope, module: module).lookUp(in: byQualifiedName) { return found }
            if let candidates = bySimpleName[inherited.lastComponent], candidates.count == 1 { return candidates[0] }
            return nil
        }
        let declarations = TypeDeclaration.byQualifiedName(in: files)

        var diagnostics: [Diagnostic] = []
        var linkedByHand: Set<String> = []
        var configurable: Set<String> = []
        var order: [String] = []
        var chosen: [String: (bridged: BridgedProtocol, site: ConformanceSite)] = [:]
        // Every condition a type is declared to conform under: a type declared once in each
        // branch of an `#if` is linked in each.
        var conformanceConditions: [String: [String?]] = [:]
        for site in files.flatMap(\.conformanceSites) {
            if site.inherited.contains(where: { $0.lastComponent == "BridgeHostable" }) { linkedByHand.insert(site.typeName) }
            if site.inherited.contains(where: { $0.lastComponent == "BridgeConfigurable" }) { configurable.insert(site.typeName) }
            // A client conforms to its protocol too, but it is no real type.
            if site.inherited.contains(where: { $0.lastComponent == "_BridgeClient" }) { continue }
            if site.inherited.contains(where: { bridgedProtocol($0, at: site) != nil }) {
                conformanceConditions[site.typeName, default: []].append(site.condition)
            }
            for inherited in site.inherited {
                guard let bridged = bridgedProtocol(inherited, at: site) else { continue }
                if let first = chosen[site.typeName] {
                    if bridged.ancestors.contains(first.bridged.qualifiedName) {
                        chosen[site.typeName] = (bridged, site)  // the more refined protocol serves both
                    } else if first.bridged.qualifiedName != bridged.qualifiedName && !first.bridged.ancestors.contains(bridged.qualifiedName) {
                        diagnostics.append(.warning(
                            "'\(site.typeName)' conforms to two bridged protocols, '\(first.bridged.qualifiedName)' and '\(bridged.qualifiedName)': a host serves its object through one client, so it is linked to '\(first.bridged.qualifiedClientName)' only. To serve both, declare a bridged protocol that inherits both and conform to it.",
                            at: inherited.location))
                    }
                } else {
                    chosen[site.typeName] = (bridged, site)
                    order.append(site.typeName)
                }
            }
        }

        var initializers = InitializerFacts()
        for file in files { initializers.merge(file.initializers) }

        let callbackProtocols = BridgedProtocol.callbackProtocolNames(in: protocols)
        var links: [RealTypeLink] = []
        for typeName in order where !linkedByHand.contains(typeName) {
            guard let (bridged, site) = chosen[typeName], !callbackProtocols.contains(bridged.qualifiedName) else { continue }
            let access: AccessLevel
            let isGeneric: Bool
            let isNonFinalClass: Bool
            switch site {
            case .declaration(let declaration):
                switch declaration.placement {
                case .local:
                    diagnostics.append(.warning("'\(declaration.name)' is declared inside a function: a bridge cannot start a local type; skipped.", at: site.location))
                    continue
                case .nested:
                    // Visible as far as every enclosing type is; generic if any of them is.
                    (access, isGeneric) = effectiveAccess(of: typeName, in: declarations)
                    isNonFinalClass = declaration.isNonFinalClass
                case .topLevel:
                    access = declaration.writtenAccess ?? .internal
                    isGeneric = declaration.isGeneric
                    isNonFinalClass = declaration.isNonFinalClass
                }
            case .extension(let declaration):
                (access, isGeneric) = effectiveAccess(of: declaration.extendedName, in: declarations)
                isNonFinalClass = declarations[declaration.extendedName]?.isNonFinalClass ?? false
                if declaration.hasGenericArguments {
                    diagnostics.append(genericWarning(typeName, bridged, at: site.location))
                    continue
                }
            }
            if isGeneric {
                diagnostics.append(genericWarning(typeName, bridged, at: site.location))
            } else if isNonFinalClass {
                diagnostics.append(.warning(
                    "'\(typeName)' is a class that is not final: 'BridgeHostable' lists its dispatch table as '[_BridgeMethod<Self>]', which only a final class can provide; skipped. Mark '\(typeName)' 'final'.",
                    at: site.location))
            } else if access < .internal {
                diagnostics.append(.warning(
                    "'\(typeName)' is \(access == .private ? "private" : "fileprivate"): the generated code in another file cannot see it, so it is not linked to '\(bridged.qualifiedClientName)'; skipped. Make it at least internal.",
                    at: site.location))
            } else if min(access, .public) > bridged.access {
                diagnostics.append(.warning(
                    "'\(typeName)' is more visible than the bridged protocol '\(bridged.qualifiedName)': linking it would need '\(bridged.qualifiedClientName)' to be as visible as '\(typeName)'; skipped. Give '\(bridged.qualifiedName)' at least the access level of '\(typeName)'.",
                    at: site.location))
            } else if !configurable.contains(typeName), let declaration = declarations[typeName],
                      let problem = initializers.missingInitializer(declaration) {
                diagnostics.append(.error(
                    "'\(typeName)' conforms to the bridged protocol '\(bridged.qualifiedName)' but \(problem.what), and a bridge's host creates the real object with 'init()': \(problem.why). \(problem.fix), or conform to 'BridgeConfigurable' to be created from a configuration that 'start' passes.",
                    at: declaration.location))
            } else {
                let siteCondition = CompilationConditions.either(conformanceConditions[typeName] ?? [site.condition])
                for declaration in twins[bridged.qualifiedName] ?? [bridged] {
                    links.append(RealTypeLink(
                        typeName: typeName, access: access, clientName: declaration.qualifiedClientName,
                        condition: siteCondition == declaration.condition
                            ? siteCondition : CompilationConditions.joined(declaration.condition, siteCondition),
                        isConfigurable: configurable.contains(typeName)))
                }
            }
        }
        return (links, diagnostics)
    }

    private static func genericWarning(_ typeName: String, _ bridged: BridgedProtocol, at location: SourceLocation) -> Diagnostic {
        .warning("'\(typeName)' conforms to the bridged protocol '\(bridged.qualifiedName)', but generic types cannot be started by a bridge; skipped.", at: location)
    }

    /// The access level of a type named by an extension: the lowest along `Outer.Inner`, each
    /// declaration's written level or internal; internal when the target does not declare it.
    private static func effectiveAccess(of name: String, in declarations: [String: TypeDeclaration]) -> (AccessLevel, isGeneric: Bool) {
        let components = name.split(separator: ".").map(String.init)
        var access = AccessLevel.open
        var isGeneric = false
        var found = false
        for count in 1...max(1, components.count) {
            guard let declaration = declarations[components.prefix(count).joined(separator: ".")] else { continue }
            found = true
            access = min(access, declaration.writtenAccess ?? .internal)
            isGeneric = isGeneric || declaration.isGeneric
        }
        return (found ? access : .internal, isGeneric)
    }
}
