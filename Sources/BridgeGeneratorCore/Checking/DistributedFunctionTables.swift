/// The distributed actors of a target whose functions get a generated table
/// (`_BridgeDistributedFunctions`), so that a `BridgeActorSystem` host calls them directly
/// rather than through `executeDistributedTarget`, which demangles the target's name at every
/// call.
///
/// A function is left out, and keeps the runtime's path, when the generated call might not
/// compile or might not be the same call: a generic one, one with a `where` clause, an `inout`
/// or variadic parameter, a private one (or one of a `private extension`), one under
/// `@available`, one whose signature cannot be read. So is every function of an actor nested in
/// another type, or under `@available` itself. The table is only
/// an optimization: what it leaves out still works.
enum DistributedFunctionTables {
    /// One actor's table.
    struct Table: Hashable, Sendable {
        /// The name the generated file writes: `Outer.Indexer`.
        var typeName: String
        /// The actor's `#if` condition, or nil when always.
        var condition: String?
        var functions: [BridgedRequirement]
    }

    /// The tables of `files`' distributed actors that have functions to put in one, in file order.
    static func find(in files: [ParsedFile]) -> [Table] {
        var actors: [String: (condition: String?, order: Int)] = [:]
        for declaration in files.flatMap(\.typeDeclarations) where declaration.isDistributed {
            let name = declaration.qualifiedName
            // Only a top-level actor: a generated extension of `Outer.Indexer` does not see the
            // other members of `Outer`, which the actor's functions may name.
            guard declaration.placement == .topLevel, !declaration.isGeneric, actors[name] == nil else { continue }
            if let access = declaration.writtenAccess, access < .internal { continue }
            // The generated extension would need the same availability.
            guard !declaration.attributes.contains(where: { $0.hasPrefix("@available") }) else { continue }
            actors[name] = (declaration.condition, actors.count)
        }
        var functions: [String: [BridgedRequirement]] = [:]
        var seen: Set<String> = []
        for file in files {
            for site in file.distributedFunctions where actors[site.ownerName] != nil {
                guard var function = read(site, in: file) else { continue }
                // Both branches of an `#if` are read; a signature twice is one function.
                guard seen.insert(site.ownerName + " " + function.signature + " " + (site.condition ?? "")).inserted else { continue }
                function.condition = site.condition
                functions[site.ownerName, default: []].append(function)
            }
        }
        return actors.sorted { $0.value.order < $1.value.order }.compactMap { name, actor in
            guard let list = functions[name], !list.isEmpty else { return nil }
            return Table(typeName: name, condition: actor.condition, functions: list)
        }
    }

    /// The function at `site`, or nil when the table leaves it out.
    private static func read(_ site: DistributedFunctionSite, in file: ParsedFile) -> BridgedRequirement? {
        if let access = site.access, access < .internal { return nil }
        guard site.modifiers.isDisjoint(with: ["static", "class"]) else { return nil }
        // A call from the generated file would need the same availability.
        guard !site.attributes.contains(where: { $0.hasPrefix("@available") }) else { return nil }
        var reader = RequirementReader(
            list: file.list, path: file.path, start: site.start, keyword: site.keyword, end: site.bodyEnd,
            attributes: site.attributes, modifiers: [], protocolNamed: { _ in nil })
        reader.requiresThrows = false
        _ = reader.readFunction()
        guard reader.problems.isEmpty, let function = reader.requirement, function.streamElement == nil,
              function.methodResult?.tupleElements == nil,
              case .method(let parameters) = function.kind,
              parameters.allSatisfy({ $0.type.tupleElements == nil && $0.type.callback == nil })
        else { return nil }
        return function
    }
}
