/// Finds, in this binary's own metadata, the distributed actor type a parent names.
enum ActorTypeLookup {
    /// The type called `name`: a mangled name, or `Module.Type` for a top-level actor (how a
    /// parent that does not link the actor names it).
    static func hostable(named name: String) -> (any BridgeActorHostable.Type)? {
        if let type = _typeByName(name) as? any BridgeActorHostable.Type { return type }
        let components = name.split(separator: ".", omittingEmptySubsequences: false)
        guard components.count == 2, components.allSatisfy({ !$0.isEmpty }) else { return nil }
        // A distributed actor is a class: its mangled name is its parts and `C`.
        return _typeByName(components.map { "\($0.utf8.count)\($0)" }.joined() + "C") as? any BridgeActorHostable.Type
    }
}
