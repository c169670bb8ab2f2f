/// The tokens of one file that carry meaning (no comments), each bracket paired with its
/// partner, with reading helpers that never go out of bounds.
struct TokenList: Sendable {
    let tokens: [Token]
    /// For `(`, `[`, `{` and their closers: the index of the partner; nil when unbalanced.
    let partner: [Int?]

    init(_ scanned: [Token]) {
        let tokens = scanned.filter { !$0.isComment }
        var partner = [Int?](repeating: nil, count: tokens.count)
        var open: [Int] = []
        for (index, token) in tokens.enumerated() where token.kind == .punctuation {
            switch token.text {
            case "(", "[", "{":
                open.append(index)
            case ")", "]", "}":
                let opener = Self.opener(of: token.text)
                // A closer may skip a few unclosed openers (a stray `(` in broken code) and
                // close them unpaired; one with no opener near the top of the stack is left
                // unpaired. Looking only near the top keeps hostile input linear.
                let window = open.indices.suffix(4)
                if let match = window.last(where: { tokens[open[$0]].text == opener }) {
                    partner[index] = open[match]
                    partner[open[match]] = index
                    open.removeSubrange(match...)
                }
            default:
                break
            }
        }
        self.tokens = tokens
        self.partner = partner
    }

    private static func opener(of closer: String) -> String {
        switch closer {
        case ")": "("
        case "]": "["
        default: "{"
        }
    }

    var count: Int { tokens.count }

    subscript(index: Int) -> Token? {
        index >= 0 && index < tokens.count ? tokens[index] : nil
    }

    func isPunctuation(_ index: Int, _ spelling: String) -> Bool {
        self[index]?.isPunctuation(spelling) ?? false
    }

    func isWord(_ index: Int, _ spelling: String) -> Bool {
        self[index]?.isWord(spelling) ?? false
    }

    func isIdentifier(_ index: Int) -> Bool {
        self[index]?.kind == .identifier
    }

    /// Where the token at `index` is in the file at `path`. Past the end it is the last token,
    /// so that a declaration cut short by the end of the file is reported where it stops; in a
    /// file without tokens, its first line.
    func location(of index: Int, in path: String) -> SourceLocation {
        guard let token = self[index] ?? tokens.last else { return SourceLocation(path: path, line: 1, column: 1) }
        return SourceLocation(path: path, token: token)
    }

    /// The index after the attribute whose `@` is at `index`, or nil when none starts there.
    ///
    /// An attribute is `@` and a name, dotted or not (`@Foundation.Sendable`); generic arguments
    /// written right after the name (`@ReducerBuilder<State, Action>`); and an argument list
    /// that opens on the name's line (`@available(macOS 13, *)`). Nothing reaches past `limit`.
    func indexAfterAttribute(at index: Int, limit: Int) -> Int? {
        guard index + 1 < limit, isPunctuation(index, "@"), isIdentifier(index + 1) else { return nil }
        var next = index + 2
        while next + 1 < limit, isPunctuation(next, "."), isIdentifier(next + 1), !hasGapBefore(next) {
            next += 2
        }
        if next < limit, isPunctuation(next, "<"), !hasGapBefore(next) {
            next = min(limit, indexAfterAngleBrackets(at: next, limit: limit) { position in
                guard let token = self[position] else { return false }
                return token.kind == .identifier && Keywords.declarationStarts.contains(token.text)
            })
        }
        if next < limit, isPunctuation(next, "("), self[next]?.line == self[next - 1]?.line,
           let after = indexAfterGroup(at: next), after <= limit {
            next = after
        }
        return next
    }

    /// The index after a generic clause `<...>` that starts at `index`, skipping bracketed
    /// groups; or, in broken source, the first index before `limit` where `stops` holds or a
    /// `{`, `}` or `;` stands, so a missing `>` never swallows what follows.
    func indexAfterAngleBrackets(at index: Int, limit: Int = .max, stops: (Int) -> Bool) -> Int {
        var depth = 0
        var next = index
        while next < limit, let token = self[next] {
            if token.isPunctuation("{") || token.isPunctuation("}") || token.isPunctuation(";") || stops(next) {
                return next
            }
            if let after = indexAfterGroup(at: next), after <= limit {
                next = after
                continue
            }
            if token.isPunctuation("<") { depth += 1 }
            if token.isPunctuation(">") {
                depth -= 1
                if depth <= 0 { return next + 1 }
            }
            next += 1
        }
        return next
    }

    /// The index just past the group that opens at `index`, or nil when it is not an opener
    /// with a partner.
    func indexAfterGroup(at index: Int) -> Int? {
        guard let token = self[index], token.kind == .punctuation, ["(", "[", "{"].contains(token.text),
              let close = partner[index], close > index else { return nil }
        return close + 1
    }

    /// The commas between `open` and `close` that separate the list's own elements: not those
    /// in a nested group (parentheses, brackets, braces) or between angle brackets.
    func topLevelCommas(after open: Int, before close: Int) -> [Int] {
        var commas: [Int] = []
        var index = open + 1
        var angles = 0
        while index < close {
            if let after = indexAfterGroup(at: index), after <= close {
                index = after
                continue
            }
            if isPunctuation(index, "<") { angles += 1 }
            if isPunctuation(index, ">"), angles > 0 { angles -= 1 }
            if angles == 0, isPunctuation(index, ",") { commas.append(index) }
            index += 1
        }
        return commas
    }

    /// Whether the token at `index` is the first on its line.
    func startsLine(_ index: Int) -> Bool {
        guard let token = self[index] else { return false }
        guard let previous = self[index - 1] else { return true }
        return previous.line != token.line || previous.text.contains("\n")
    }

    /// Whether the source has whitespace or a comment between `index - 1` and `index`.
    func hasGapBefore(_ index: Int) -> Bool {
        guard let token = self[index], let previous = self[index - 1] else { return false }
        return previous.end != token.start
    }

    /// Tokens `range` as Swift: their own text, one space where the source had any gap.
    func spelled(_ range: Range<Int>) -> String {
        var text = ""
        for index in range where index >= 0 && index < tokens.count {
            if index != range.lowerBound, hasGapBefore(index) { text += " " }
            text += tokens[index].text
        }
        return text
    }

    /// Tokens `range` with nothing between them and without backticks, as a wire signature
    /// writes a type.
    func compact(_ range: Range<Int>) -> String {
        var text = ""
        for index in range where index >= 0 && index < tokens.count {
            text += tokens[index].bareName
        }
        return text
    }
}
