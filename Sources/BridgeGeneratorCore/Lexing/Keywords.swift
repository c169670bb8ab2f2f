/// The few words of Swift that a declaration parser must recognise.
enum Keywords {
    /// Words that may stand before a declaration's keyword and change it, not name it.
    static let declarationModifiers: Set<String> = [
        "public", "private", "fileprivate", "internal", "package", "open",
        "final", "static", "class", "mutating", "nonmutating", "override", "required",
        "convenience", "dynamic", "lazy", "weak", "unowned", "nonisolated", "optional",
        "indirect", "distributed", "prefix", "postfix", "infix", "consuming", "borrowing",
        "__consuming", "isolated",
    ]

    /// Words that introduce a declaration.
    static let declarationIntroducers: Set<String> = [
        "func", "var", "let", "init", "deinit", "subscript", "associatedtype", "typealias",
        "case", "struct", "enum", "class", "actor", "protocol", "extension", "import",
        "operator", "precedencegroup", "macro",
    ]

    /// Words that begin the next declaration, so a type written before them has ended.
    static let declarationStarts: Set<String> = declarationModifiers.union(declarationIntroducers)
        .subtracting(["consuming", "borrowing", "isolated"])  // also type specifiers

    /// Words in a parameter's type annotation that qualify how it is passed, not what it is.
    static let typeSpecifiers: Set<String> = [
        "inout", "borrowing", "consuming", "sending", "__owned", "__shared", "isolated", "_const",
    ]

    /// The kinds of declaration an import can name: `import struct Foundation.URL`.
    static let importKinds: Set<String> = ["typealias", "struct", "class", "enum", "protocol", "let", "var", "func"]

    /// Words that cannot stand alone as an expression. A parameter may be declared `for: Int`,
    /// but its value must then be written `` `for` ``.
    static let reservedInExpressions: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import",
        "init", "inout", "internal", "let", "operator", "private", "precedencegroup", "protocol",
        "public", "rethrows", "static", "struct", "subscript", "typealias", "var", "break", "case",
        "catch", "continue", "default", "defer", "do", "else", "fallthrough", "for", "guard", "if",
        "in", "repeat", "return", "throw", "switch", "where", "while", "Any", "as", "false", "is",
        "nil", "self", "Self", "super", "throws", "true", "try", "await", "package",
    ]

    /// `name` as it must be written where an expression refers to it.
    static func asExpression(_ name: String) -> String {
        reservedInExpressions.contains(name) ? "`\(name)`" : name
    }
}
