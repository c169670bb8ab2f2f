/// The distributed actors of a target that a `BridgeActorSystem` host can create: each gets
/// `extension <Actor>: BridgeActorHostable {}`, so that `system.start(Indexer.self)` compiles
/// and the host can call `init(actorSystem:)` without knowing the type.
///
/// The protocol asks for `init(actorSystem: ActorSystem)` of the actor's own system, so the
/// conformance compiles for any distributed actor that has that initializer, whatever its
/// system (one under `LocalTestingDistributedActorSystem` too). The generator only leaves out
/// those that certainly lack it, or that the generated file cannot name.
enum HostableActors {
    /// One actor to conform.
    struct Actor: Hashable, Sendable {
        /// The name the generated file writes: `Outer.Indexer`.
        var typeName: String
        /// The `#if` condition it is compiled under, or nil when always.
        var condition: String?
    }

    /// The actors of `files` to conform, in file order.
    static func find(in files: [ParsedFile]) -> [Actor] {
        var facts = InitializerFacts()
        for file in files { facts.merge(file.initializers) }
        let alreadyHostable = Set(files.flatMap(\.conformanceSites).filter { site in
            site.inherited.contains { $0.lastComponent == "BridgeActorHostable" }
        }.map(\.typeName))

        var actors: [Actor] = []
        var seen: Set<String> = []
        for declaration in files.flatMap(\.typeDeclarations) where declaration.isDistributed {
            let name = declaration.qualifiedName
            guard declaration.placement != .local, !alreadyHostable.contains(name), seen.insert(name).inserted else { continue }
            // A private type is out of the generated file's sight.
            if let access = declaration.writtenAccess, access < .internal { continue }
            // Its own initializers take the synthesized `init(actorSystem:)` away, unless one of
            // them is it; a stored property without a default leaves none to synthesize.
            if facts.withOwnInitializers.contains(name) || facts.storedWithoutDefault[name] != nil {
                guard facts.actorSystem.contains(name) else { continue }
            }
            actors.append(Actor(typeName: name, condition: declaration.condition))
        }
        return actors
    }
}
