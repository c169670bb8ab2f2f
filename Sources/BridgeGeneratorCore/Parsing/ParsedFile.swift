/// What one input file declares that matters to the generator.
struct ParsedFile: Sendable {
    var path: String
    /// The file's tokens, which the requirements of its bridged protocols are read from later.
    var list: TokenList
    /// Every protocol declaration, nested ones included, in source order.
    var protocols: [ProtocolDeclaration] = []
    /// Every class, struct, enum and actor, nested ones included, in source order.
    var typeDeclarations: [TypeDeclaration] = []
    /// Type declarations and top-level extensions, in source order.
    var conformanceSites: [ConformanceSite] = []
    var imports: [ImportDeclaration] = []
    /// Every `distributed func` in a type body or extension, in source order.
    var distributedFunctions: [DistributedFunctionSite] = []
    /// What its type bodies and extensions say about `init()`.
    var initializers = InitializerFacts()
    var diagnostics: [Diagnostic] = []
}
