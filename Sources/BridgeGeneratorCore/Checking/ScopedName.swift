/// A dotted name as written inside some types, and the qualified names it may stand for, in
/// the order Swift looks them up: the innermost enclosing type first, then outwards to the top
/// level.
///
/// The generator knows only the target's own declarations, so a name qualified with the
/// target's module (`MyModule.Pinger`) is looked up as the name alone.
struct ScopedName {
    /// The name as written, less a leading qualifier that names the target's own module.
    let path: [String]
    /// The types enclosing the place where it is written, outermost first; empty at top level.
    let scope: [String]

    init(_ written: [String], in scope: [String], module: String?) {
        var path = written
        // Only a qualified name can start with the module: `Pinger` alone is a type, even in a
        // module named `Pinger`.
        if path.count > 1, path.first == module { path.removeFirst() }
        self.path = path
        self.scope = scope
    }

    /// The qualified names it may stand for, innermost first: `Outer.Inner.P`, `Outer.P`, `P`.
    ///
    /// Lazy: a lookup that ends in an inner scope builds none of the outer names, which counts
    /// inside types nested very deeply (broken or hostile code).
    var candidates: some Sequence<String> {
        stride(from: scope.count, through: 0, by: -1).lazy.map { [scope, path] depth in
            (scope.prefix(depth) + path).joined(separator: ".")
        }
    }

    /// What `table` holds for the first of `candidates` it has, or nil when it has none.
    func lookUp<Value>(in table: [String: Value]) -> Value? {
        for name in candidates {
            if let found = table[name] { return found }
        }
        return nil
    }
}
