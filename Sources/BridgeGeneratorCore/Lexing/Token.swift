/// One lexical unit of Swift source and the place where it starts.
struct Token: Equatable, Sendable {
    /// What a token is, as far as a declaration parser needs to know.
    enum Kind: Equatable, Sendable {
        /// A name or a keyword (keywords are not told apart here), also `` `backticked` `` and `$0`.
        case identifier
        /// One punctuation or operator character, or one of `->`, `...`, `..<`.
        ///
        /// Operators are split into single characters on purpose: `>>` in `Array<Array<Int>>`
        /// must close two generic argument lists, and declarations never need the meaning of an
        /// operator.
        case punctuation
        /// `#` directly followed by a name: `#if`, `#endif`, `#available`, `#warning`, ...
        case poundKeyword
        /// A string literal of any kind, interpolations included.
        case string
        /// A regular expression literal, `/.../` or `#/.../#`.
        case regex
        /// A number literal.
        case number
        /// A `//` or `/* */` comment that is not a doc comment.
        case comment
        /// A `///` or `/** */` comment.
        case docComment
        /// Something that cannot be read: an unterminated literal or comment, a stray byte.
        case invalid(String)
    }

    var kind: Kind
    /// The token exactly as written (invalid UTF-8 is repaired to U+FFFD).
    var text: String
    /// 1-based line number.
    var line: Int
    /// 1-based column, counted in UTF-8 bytes from the start of the line (so a tab or an `é`
    /// before the token counts as one and two columns).
    var column: Int
    /// Byte offset of the token's first byte in the file's UTF-8.
    var start: Int
    /// Byte offset just past the token's last byte.
    var end: Int

    /// Comments do not change the meaning of code, so parsers skip them.
    var isComment: Bool { kind == .comment || kind == .docComment }

    /// True for a punctuation token with exactly this text.
    func isPunctuation(_ spelling: String) -> Bool { kind == .punctuation && text == spelling }

    /// True for an identifier or keyword with exactly this text (backticks are part of the text).
    func isWord(_ spelling: String) -> Bool { kind == .identifier && text == spelling }

    /// The name without backticks: `` `default` `` is the identifier `default`.
    var bareName: String {
        if kind == .identifier, text.count >= 2, text.hasPrefix("`"), text.hasSuffix("`") {
            return String(text.dropFirst().dropLast())
        }
        return text
    }
}
