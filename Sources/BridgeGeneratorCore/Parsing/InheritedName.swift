/// A name in an inheritance list, with where it is written.
struct InheritedName: Hashable, Sendable {
    /// The dotted path without backticks and without generic arguments: `["Bridge", "Bridged"]`.
    var path: [String]
    var location: SourceLocation

    var lastComponent: String { path.last ?? "" }
    var qualifiedName: String { path.joined(separator: ".") }
}
