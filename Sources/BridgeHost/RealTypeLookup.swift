import Bridge

/// Finds the real type a hello names in this binary's own metadata.
enum RealTypeLookup {
    /// The type called `name`: a mangled name, or `Module.Type` for a top-level type (how a
    /// parent that does not link the real type names it).
    static func servable(named name: String) -> (any _BridgeServable.Type)? {
        if let type = _typeByName(name) as? any _BridgeServable.Type { return type }
        let components = name.split(separator: ".", omittingEmptySubsequences: false)
        guard components.count == 2, components.allSatisfy({ !$0.isEmpty }) else { return nil }
        // The runtime finds `Module.Type` by itself for classes only; structs and enums need
        // their mangled name, which for a top-level type is its parts and its kind.
        let stem = components.map { "\($0.utf8.count)\($0)" }.joined()
        for kind in ["C", "V", "O"] {
            if let type = _typeByName(stem + kind) as? any _BridgeServable.Type { return type }
        }
        return nil
    }
}
