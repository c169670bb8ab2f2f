/// Decides which protocols of the target are bridged, reads their requirements, and gathers
/// for each the requirements of the bridged protocols it inherits.
///
/// A protocol is bridged when its inheritance list names `Bridged` or a bridged protocol of
/// the target, directly or through a chain; inherited names are looked up the way Swift looks
/// them up from the protocol's place, innermost enclosing type first.
struct ProtocolResolver {
    /// Protocols a bridged protocol may inherit without adding requirements the client lacks.
    static let harmlessInheritedProtocols: Set<String> = ["Sendable", "Copyable", "Escapable", "SendableMetatype"]

    private let files: [ParsedFile]
    private let module: String?
    /// Every protocol declaration of the target: (file index, declaration).
    private let declarations: [(file: Int, declaration: ProtocolDeclaration)]
    /// The first declaration of each qualified name.
    private let byQualifiedName: [String: Int]
    /// For each declaration, the declarations its inheritance list names.
    private let parents: [[Int]]
    private let isBridged: [Bool]
    /// Whether each declaration names `Sendable`, or inherits a protocol of the target that does.
    private let isSendable: [Bool]
    /// The access level written on each type the target declares (nil: none written), by qualified name.
    private let typeAccess: [String: AccessLevel?]

    private init(files: [ParsedFile], module: String?) {
        self.files = files
        self.module = module
        let declarations: [(file: Int, declaration: ProtocolDeclaration)] = files.enumerated().flatMap { file, parsed in
            parsed.protocols.map { (file: file, declaration: $0) }
        }
        var byQualifiedName: [String: Int] = [:]
        for (index, entry) in declarations.enumerated() where byQualifiedName[entry.declaration.qualifiedName] == nil {
            byQualifiedName[entry.declaration.qualifiedName] = index
        }
        self.declarations = declarations
        self.byQualifiedName = byQualifiedName
        let parents = declarations.map { entry in
            entry.declaration.inherited.filter { !$0.isBridged }.compactMap {
                ScopedName($0.path, in: entry.declaration.enclosing, module: module).lookUp(in: byQualifiedName)
            }
        }
        self.parents = parents
        self.typeAccess = TypeDeclaration.byQualifiedName(in: files).mapValues(\.writtenAccess)
        self.isBridged = Self.inheritedFromParents(declarations.map(\.declaration.namesBridged), parents: parents)
        self.isSendable = Self.inheritedFromParents(
            declarations.map { $0.declaration.inherited.contains { $0.path == ["Sendable"] || $0.path == ["Swift", "Sendable"] } },
            parents: parents)
    }

    /// A property that a protocol has when it or any protocol it inherits has it written.
    ///
    /// It flows from parents to children; a chain of n needs n rounds, and a round that changes
    /// nothing ends it (cycles included).
    private static func inheritedFromParents(_ written: [Bool], parents: [[Int]]) -> [Bool] {
        var result = written
        var changed = true
        while changed {
            changed = false
            for index in result.indices where !result[index] && parents[index].contains(where: { result[$0] }) {
                result[index] = true
                changed = true
            }
        }
        return result
    }

    /// Standard protocols that a requirement may name alone as a type, meaning `any P`.
    static let standardProtocols: Set<[String]> = Set(["Error", "Codable", "Encodable", "Decodable"].flatMap { [[$0], ["Swift", $0]] })

    /// The protocol that `path`, written in a requirement of a protocol inside `enclosing`,
    /// names; nil when it names none, or a type of the target that hides a protocol's name.
    private func protocolNamed(_ path: [String], from enclosing: [String]) -> ProtocolReference? {
        guard !path.isEmpty else { return nil }
        let written = ScopedName(path, in: enclosing, module: module)
        for name in written.candidates {
            if typeAccess[name] != nil { return nil }  // a struct, class, enum or actor of the target
            guard let index = byQualifiedName[name] else { continue }
            guard isBridged[index] else { return .other }
            let declaration = declarations[index].declaration
            let client = (declaration.enclosing + ["\(declaration.name)Client"]).joined(separator: ".")
            return .bridged(BridgedProtocolReference(
                callback: CallbackType(protocolName: declaration.qualifiedName, clientName: client),
                isSendable: isSendable[index]))
        }
        return Self.standardProtocols.contains(written.path) ? .other : nil
    }

    /// The bridged protocols of `files`, in file and source order, and every problem found in them.
    static func bridgedProtocols(files: [ParsedFile], module: String?) -> (protocols: [BridgedProtocol], diagnostics: [Diagnostic]) {
        ProtocolResolver(files: files, module: module).resolveAll()
    }

    private func resolveAll() -> (protocols: [BridgedProtocol], diagnostics: [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        var own: [Int: BridgedProtocol] = [:]
        var order: [Int] = []
        var earlierDeclarations: [String: [Int]] = [:]
        for index in declarations.indices where isBridged[index] {
            let (file, declaration) = declarations[index]
            let earlier = earlierDeclarations[declaration.qualifiedName, default: []]
            earlierDeclarations[declaration.qualifiedName, default: []].append(index)
            // One declaration per branch of an `#if` is what the compiler sees once: each gets its
            // code under its own condition. Any other repetition the compiler refuses itself.
            if let clash = earlier.first(where: { !areTwins(index, $0) }) {
                let first = declarations[clash].declaration.location
                diagnostics.append(.error(
                    "bridged protocol '\(declaration.qualifiedName)' is declared more than once (also at \(first.path):\(first.line):\(first.column)). Declare it once, or once in each branch of one '#if ... #else ... #endif', or under '#if X' and '#if !X': the generator then generates each declaration under its own condition.",
                    at: declaration.location))
                continue
            }
            let (bridged, problems) = read(declaration, parents: parents[index], in: files[file])
            diagnostics += problems
            own[index] = bridged
            order.append(index)
        }

        // A protocol that inherits one declared per `#if` branch would need one client for each
        // combination of branches; its parents are looked up by name, which finds only the first.
        for index in order {
            for parent in parents[index] where isBridged[parent] {
                let parentName = declarations[parent].declaration.qualifiedName
                guard (earlierDeclarations[parentName]?.count ?? 0) > 1, let bridged = own[index] else { continue }
                diagnostics.append(.error(
                    "bridged protocol '\(bridged.qualifiedName)' inherits '\(parentName)', which is declared once in each branch of an '#if': the generator cannot tell which branch's requirements to inherit. Declare '\(parentName)' once (outside the '#if', with the branch-specific requirements in a protocol of their own), or do not inherit it.",
                    at: bridged.location))
                own[index]?.isValid = false
            }
        }

        var complete: [Int: [BridgedRequirement]] = [:]
        var ancestors: [Int: Set<String>] = [:]
        var protocols: [BridgedProtocol] = []
        for index in order {
            guard var bridged = own[index] else { continue }
            var visiting: Set<Int> = []
            bridged.requirements = allRequirements(of: index, own: own, complete: &complete, visiting: &visiting)
            visiting = []
            bridged.ancestors = bridgedAncestors(of: index, memo: &ancestors, visiting: &visiting)
            if bridged.requirements.isEmpty, bridged.isValid {
                diagnostics.append(.warning(
                    "bridged protocol '\(bridged.qualifiedName)' has no requirements: its client can call nothing in the host. Add 'func' or 'var' requirements, or remove 'Bridged'.",
                    at: bridged.location))
            }
            protocols.append(bridged)
        }
        return (protocols, diagnostics)
    }

    /// Whether the compiler sees at most one of two declarations of one name: they sit in
    /// different branches of one `#if` of one file, or under conditions written as each
    /// other's negation (`#if os(Linux)` in one file, `#if !os(Linux)` in another).
    private func areTwins(_ first: Int, _ second: Int) -> Bool {
        let (one, other) = (declarations[first], declarations[second])
        if one.file == other.file, ConditionalBranch.excludeEachOther(one.declaration.branches, other.declaration.branches) {
            return true
        }
        return CompilationConditions.areComplementary(one.declaration.condition, other.declaration.condition)
    }

    /// The requirements of the bridged parents of `index`, depth first, then its own; each
    /// signature once, the first one kept.
    private func allRequirements(
        of index: Int, own: [Int: BridgedProtocol], complete: inout [Int: [BridgedRequirement]], visiting: inout Set<Int>
    ) -> [BridgedRequirement] {
        if let done = complete[index] { return done }
        guard let bridged = own[index], visiting.insert(index).inserted else { return [] }  // a cycle: the compiler reports it
        var requirements: [BridgedRequirement] = []
        var seen: Set<String> = []
        for parent in parents[index] where isBridged[parent] {
            for requirement in allRequirements(of: parent, own: own, complete: &complete, visiting: &visiting)
            where seen.insert(requirement.signature).inserted {
                requirements.append(requirement)
            }
        }
        for requirement in bridged.requirements where seen.insert(requirement.signature).inserted {
            requirements.append(requirement)
        }
        complete[index] = requirements
        return requirements
    }

    /// The qualified names of the bridged protocols that `index` inherits, directly or not.
    private func bridgedAncestors(of index: Int, memo: inout [Int: Set<String>], visiting: inout Set<Int>) -> Set<String> {
        if let done = memo[index] { return done }
        guard visiting.insert(index).inserted else { return [] }
        var names: Set<String> = []
        for parent in parents[index] where isBridged[parent] {
            names.insert(declarations[parent].declaration.qualifiedName)
            names.formUnion(bridgedAncestors(of: parent, memo: &memo, visiting: &visiting))
        }
        memo[index] = names
        return names
    }

    /// Checks one bridged protocol and reads its own requirements.
    private func read(
        _ declaration: ProtocolDeclaration, parents: [Int], in file: ParsedFile
    ) -> (BridgedProtocol, [Diagnostic]) {
        let name = declaration.qualifiedName
        let here = declaration.location
        var problems: [Diagnostic] = []
        let access = min(declaration.writtenAccess ?? .internal, enclosingAccess(declaration.enclosing))
        if access < .internal {
            let what = declaration.writtenAccess.map { $0 < .internal } ?? false ? "is" : "is inside a type that is"
            problems.append(.error("bridged protocol '\(name)' \(what) \(access == .private ? "private" : "fileprivate"): a bridged protocol must be at least internal, because the generated client lives in another file.", at: here))
        }
        if declaration.isGeneric {
            problems.append(.error("bridged protocol '\(name)' has primary associated types: its client must be one concrete type. Remove the '<...>' after its name.", at: here))
        }
        if declaration.isMainActorIsolated {
            problems.append(.error("bridged protocol '\(name)' is '@MainActor': its generated client is called from any isolation and its real object is called in the host on the host's own tasks, which neither can be on this process's main actor. Remove '@MainActor'; callers on the main actor call the client as they are.", at: here))
        }
        if declaration.placement == .local {
            problems.append(.error("bridged protocol '\(name)' is declared inside a function: declare it at top level or inside a type.", at: here))
        }
        var others: [InheritedName] = []
        for inherited in declaration.inherited where !inherited.isBridged {
            if inherited.isClassBound {
                problems.append(.error("bridged protocol '\(name)' is class-bound ('\(inherited.qualifiedName)'): its generated client is a struct. Remove '\(inherited.qualifiedName)'.", at: inherited.location))
                continue
            }
            if let parent = ScopedName(inherited.path, in: declaration.enclosing, module: module).lookUp(in: byQualifiedName),
               isBridged[parent] {
                continue  // its requirements are gathered into the client
            }
            others.append(inherited)
            guard !Self.harmlessInheritedProtocols.contains(inherited.lastComponent) else { continue }
            problems.append(.warning(
                "bridged protocol '\(name)' also inherits '\(inherited.qualifiedName)', which is not a bridged protocol of this target: the generated '\(declaration.name)Client' implements only the bridged requirements BridgeGen sees here, so it compiles only if '\(inherited.qualifiedName)' needs nothing more. Make '\(inherited.qualifiedName)' bridged to have its requirements called in the host; if it is a bridged protocol of another target, whose requirements BridgeGen cannot see from this one, declare '\(declaration.name)' in that target.",
                at: inherited.location))
        }

        var requirements: [BridgedRequirement] = []
        if let body = declaration.body {
            if let close = file.list.partner[body] {
                var parser = RequirementParser(list: file.list, path: file.path) { path in
                    protocolNamed(path, from: declaration.enclosing)
                }
                parser.parse((body + 1)..<close)
                requirements = parser.requirements
                problems += parser.diagnostics
            } else {
                // Without its `}` the body would be the rest of the file; the compiler reports
                // the real mistake, which is usually elsewhere.
                problems.append(.error("bridged protocol '\(name)' has no closing '}'.", at: here))
            }
        } else {
            problems.append(.error("bridged protocol '\(name)' has no body: expected '{' after its inheritance list.", at: here))
        }
        let bridged = BridgedProtocol(
            name: declaration.name, enclosing: declaration.enclosing,
            access: access,
            availability: declaration.availability, condition: declaration.condition,
            otherInheritedNames: others, requirements: requirements, location: here,
            isValid: !problems.contains { $0.severity == .error })
        return (bridged, problems)
    }

    /// The lowest access level along the enclosing types that the target declares: members
    /// generated in their extensions cannot be more visible than that.
    private func enclosingAccess(_ enclosing: [String]) -> AccessLevel {
        guard !enclosing.isEmpty else { return .open }
        var access = AccessLevel.open
        var prefix: [String] = []
        for component in enclosing {
            prefix.append(component)
            if let written = typeAccess[prefix.joined(separator: ".")] {
                access = min(access, written ?? .internal)
            }
        }
        return access
    }
}
