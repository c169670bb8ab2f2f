/// A place in an input file: its path and a 1-based line and column (column in UTF-8 bytes).
struct SourceLocation: Hashable, Sendable {
    var path: String
    var line: Int
    var column: Int

    init(path: String, line: Int, column: Int) {
        self.path = path
        self.line = line
        self.column = column
    }

    init(path: String, token: Token) {
        self.init(path: path, line: token.line, column: token.column)
    }
}
