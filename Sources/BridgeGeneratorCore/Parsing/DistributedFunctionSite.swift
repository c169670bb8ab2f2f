/// Where a `distributed func` is declared: in the body of a type or extension named `ownerName`.
/// Its signature is read later, by `DistributedFunctionTables`, once the generator knows which
/// owners are distributed actors.
struct DistributedFunctionSite: Hashable, Sendable {
    /// The qualified name of the type or extension whose body declares it: `Outer.Indexer`.
    var ownerName: String
    /// Its first token: its first attribute or modifier.
    var start: Int
    /// The index of `func`.
    var keyword: Int
    /// The index of the `}` that closes the body it is declared in.
    var bodyEnd: Int
    /// The access level written on it or on its extension (the lower), or nil when none was.
    var access: AccessLevel?
    /// Its attributes, and those of the extension it is declared in.
    var attributes: [String]
    var modifiers: Set<String>
    /// The `#if` condition it is compiled under, or nil when always.
    var condition: String?
}
