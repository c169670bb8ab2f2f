/// An `import` of an input file, copied into the generated file so that the types the
/// requirements name resolve there too.
struct ImportDeclaration: Hashable, Sendable {
    /// The declaration as written, attributes and modifiers included: `@testable import Demo`.
    var text: String
    /// The imported module: `Foundation` for `import struct Foundation.URL`.
    var module: String
    /// Whether it imports one declaration (`import struct Foundation.URL`) rather than a module.
    var importsDeclaration: Bool
    /// The `#if` condition it is under, or nil when it is unconditional.
    var condition: String?
}
