/// Builds generated Swift line by line at the current indentation, so that the emitter says
/// what it writes and the writer keeps the padding, the blocks and the `#if`s balanced.
struct CodeWriter {
    /// What has been written.
    private(set) var text = ""
    private var indentation = ""
    /// The last path a `#sourceLocation` named, and it as a literal: consecutive directives name
    /// the same file, whose literal is then escaped once.
    private var lastPath: (path: String, literal: String)?

    /// One line at the current indentation; an empty line gets no indentation.
    mutating func line(_ code: String) {
        if !code.isEmpty {
            text += indentation
            text += code
        }
        text += "\n"
    }

    /// An empty line.
    mutating func blankLine() {
        text += "\n"
    }

    /// `body` indented by four more spaces.
    mutating func indented(_ body: (inout CodeWriter) -> Void) {
        let outer = indentation
        indentation += "    "
        body(&self)
        indentation = outer
    }

    /// `opener`, then `body` indented, then `closer`: a type, a function, a closure, a literal.
    mutating func block(_ opener: String, closer: String = "}", _ body: (inout CodeWriter) -> Void) {
        line(opener)
        indented(body)
        line(closer)
    }

    /// `body` between `#if condition` and `#endif`, or as it is without a condition.
    mutating func conditional(_ condition: String?, _ body: (inout CodeWriter) -> Void) {
        guard let condition else {
            body(&self)
            return
        }
        line("#if \(condition)")
        body(&self)
        line("#endif")
    }

    /// `#sourceLocation(file:line:)`: the line `linesBefore` lines after the next counts, for
    /// the compiler, as `location`'s line of `location`'s file, and the lines after it as the
    /// lines after that one, up to `endSourceLocation()`.
    mutating func sourceLocation(_ location: SourceLocation, linesBefore: Int = 0) {
        let file: String
        if let lastPath, lastPath.path == location.path {
            file = lastPath.literal
        } else {
            file = Emitter.literal(location.path)
            lastPath = (location.path, file)
        }
        line("#sourceLocation(file: \(file), line: \(max(1, location.line - linesBefore)))")
    }

    /// `#sourceLocation()`: the lines that follow count as the generated file's own again.
    mutating func endSourceLocation() {
        line("#sourceLocation()")
    }
}
