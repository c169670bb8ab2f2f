/// Splits Swift source into tokens, reading every literal and comment whole, so that nothing
/// inside a string or a comment is ever taken for code.
///
/// The scanner works on UTF-8 bytes and never fails: what it cannot read becomes an `.invalid`
/// token, and every step consumes at least one byte, so it always reaches the end.
struct Scanner {
    /// Interpolations put strings inside strings; deeper than this, the rest of the file becomes
    /// one invalid token, so that hostile input cannot exhaust the stack.
    static let maximumNesting = 64

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var lineStart = 0
    /// The last token that is not a comment: whether `/` starts a regex literal depends on it.
    private var previous: Token?

    /// Returns the tokens of `text`, comments included, in source order.
    static func tokens(of text: String) -> [Token] {
        var scanner = Scanner(bytes: Array(text.utf8))
        return scanner.scanAll()
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private mutating func scanAll() -> [Token] {
        var tokens: [Token] = []
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {  // a byte order mark is not code
            index = 3
            lineStart = 3
        }
        if bytes[index...].starts(with: Array("#!".utf8)) {  // a script's shebang line
            let token = scanToken { $0.scanLineComment() }
            tokens.append(token)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count else { break }
            let token = scanToken { $0.scanOneToken() }
            tokens.append(token)
            if !token.isComment { previous = token }
        }
        return tokens
    }

    private mutating func scanToken(_ scan: (inout Scanner) -> Token.Kind) -> Token {
        let start = index
        let startLine = line
        let startColumn = index - lineStart + 1
        let kind = scan(&self)
        if index == start { index += 1 }  // guarantees progress whatever a scan routine did
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        return Token(kind: kind, text: text, line: startLine, column: startColumn, start: start, end: index)
    }

    // MARK: - Dispatch on the first byte

    private mutating func scanOneToken() -> Token.Kind {
        let byte = bytes[index]
        switch byte {
        case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "/"):
            return scanLineComment()
        case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "*"):
            return scanBlockComment()
        case UInt8(ascii: "\""):
            return scanStringLiteral()
        case UInt8(ascii: "#"):
            return scanPound()
        case UInt8(ascii: "`"):
            return scanBacktickedIdentifier()
        case UInt8(ascii: "$") where Self.isIdentifierContinuation(peek(1)):
            advance()
            scanIdentifierContinuation()
            return .identifier
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            return scanNumber()
        case _ where Self.isIdentifierStart(byte):
            advance()
            scanIdentifierContinuation()
            return .identifier
        case UInt8(ascii: "-") where peek(1) == UInt8(ascii: ">"):
            advance(count: 2)
            return .punctuation
        case UInt8(ascii: ".") where peek(1) == UInt8(ascii: ".")
            && (peek(2) == UInt8(ascii: ".") || peek(2) == UInt8(ascii: "<")):
            advance(count: 3)
            return .punctuation
        case UInt8(ascii: "/") where regexMayStartHere:
            if let kind = scanBareRegex() { return kind }
            advance()
            return .punctuation
        case _ where Self.punctuationBytes.contains(byte):
            advance()
            return .punctuation
        default:
            advance()
            return .invalid("unexpected character")
        }
    }

    private static let punctuationBytes: Set<UInt8> = Set("{}()[]<>:,.;?!=@#&|^~+-*/%\\$".utf8)

    // MARK: - Comments

    private mutating func scanLineComment() -> Token.Kind {
        let isDoc = peek(2) == UInt8(ascii: "/") && peek(3) != UInt8(ascii: "/")
        while index < bytes.count, bytes[index] != UInt8(ascii: "\n"), bytes[index] != UInt8(ascii: "\r") {
            advance()
        }
        return isDoc ? .docComment : .comment
    }

    /// Block comments nest in Swift: `/* /* */ still a comment */`.
    private mutating func scanBlockComment() -> Token.Kind {
        let isDoc = peek(2) == UInt8(ascii: "*") && peek(3) != UInt8(ascii: "*") && peek(3) != UInt8(ascii: "/")
        return skipBlockComment() ? (isDoc ? .docComment : .comment) : .invalid("unterminated block comment")
    }

    /// Skips a block comment that starts at the current `/*`; false when the file ends first.
    private mutating func skipBlockComment() -> Bool {
        advance(count: 2)
        var depth = 1
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "*") {
                advance(count: 2)
                depth += 1
            } else if bytes[index] == UInt8(ascii: "*"), peek(1) == UInt8(ascii: "/") {
                advance(count: 2)
                depth -= 1
                if depth == 0 { return true }
            } else {
                advance()
            }
        }
        return false
    }

    // MARK: - String literals

    /// How reading a literal ended.
    private enum LiteralEnd {
        case closed
        case unterminated
        /// Nested deeper than `maximumNesting`.
        case tooDeep
    }

    private mutating func scanStringLiteral() -> Token.Kind {
        switch scanDelimitedString(depth: 0) {
        case .closed:
            return .string
        case .unterminated:
            return .invalid("unterminated string literal")
        case .tooDeep:
            index = bytes.count
            return .invalid("string literal nested too deeply")
        }
    }

    /// Reads a string literal from its opening delimiter: `#`s, then `"` or `"""`.
    private mutating func scanDelimitedString(depth: Int) -> LiteralEnd {
        guard depth <= Self.maximumNesting else { return .tooDeep }
        var hashes = 0
        while index < bytes.count, bytes[index] == UInt8(ascii: "#") {
            hashes += 1
            advance()
        }
        let isMultiline = peek(0) == UInt8(ascii: "\"") && peek(1) == UInt8(ascii: "\"") && peek(2) == UInt8(ascii: "\"")
        advance(count: isMultiline ? 3 : 1)
        return scanStringBody(hashes: hashes, isMultiline: isMultiline, depth: depth)
    }

    /// Reads up to and including the closing delimiter. An escape is `\` followed by as many
    /// `#`s as the literal's delimiter has, so `\n` in `#"\n"#` is two plain characters.
    private mutating func scanStringBody(hashes: Int, isMultiline: Bool, depth: Int) -> LiteralEnd {
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\"), hashesFollow(at: index + 1, count: hashes) {
                advance(count: 1 + hashes)
                guard index < bytes.count else { return .unterminated }
                if bytes[index] == UInt8(ascii: "(") {
                    advance()
                    let end = scanInterpolation(depth: depth + 1)
                    if end != .closed { return end }
                } else if !isMultiline, bytes[index] == UInt8(ascii: "\n") || bytes[index] == UInt8(ascii: "\r") {
                    return .unterminated
                } else {
                    advance()  // the escaped character, or a line continuation in a multi-line literal
                }
            } else if byte == UInt8(ascii: "\"") {
                if !isMultiline, hashesFollow(at: index + 1, count: hashes) {
                    advance(count: 1 + hashes)
                    return .closed
                }
                if isMultiline, peek(1) == UInt8(ascii: "\""), peek(2) == UInt8(ascii: "\""),
                   hashesFollow(at: index + 3, count: hashes) {
                    advance(count: 3 + hashes)
                    return .closed
                }
                advance()
            } else if !isMultiline, byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                return .unterminated  // leave the line break: the next line is read as code again
            } else {
                advance()
            }
        }
        return .unterminated
    }

    /// Reads an interpolation `\( ... )` after its `(`: parentheses balance, and strings and
    /// comments inside it are read whole, so a `)` inside them does not end it.
    private mutating func scanInterpolation(depth: Int) -> LiteralEnd {
        guard depth <= Self.maximumNesting else { return .tooDeep }
        var parentheses = 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "("):
                parentheses += 1
                advance()
            case UInt8(ascii: ")"):
                parentheses -= 1
                advance()
                if parentheses == 0 { return .closed }
            case UInt8(ascii: "\""):
                let end = scanDelimitedString(depth: depth + 1)
                if end != .closed { return end }
            case UInt8(ascii: "#"):
                if startsRawString(at: index) {
                    let end = scanDelimitedString(depth: depth + 1)
                    if end != .closed { return end }
                } else {
                    while peek(0) == UInt8(ascii: "#") { advance() }
                }
            case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "/"):
                _ = scanLineComment()
            case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "*"):
                if !skipBlockComment() { return .unterminated }
            default:
                advance()
            }
        }
        return .unterminated
    }

    private func startsRawString(at position: Int) -> Bool {
        var position = position
        while position < bytes.count, bytes[position] == UInt8(ascii: "#") { position += 1 }
        return position < bytes.count && bytes[position] == UInt8(ascii: "\"")
    }

    private func hashesFollow(at position: Int, count: Int) -> Bool {
        guard count > 0 else { return true }
        guard position + count <= bytes.count else { return false }
        return bytes[position..<(position + count)].allSatisfy { $0 == UInt8(ascii: "#") }
    }

    // MARK: - `#`: raw strings, extended regex literals, directives

    private mutating func scanPound() -> Token.Kind {
        var hashes = 0
        while peek(hashes) == UInt8(ascii: "#") { hashes += 1 }
        switch peek(hashes) {
        case UInt8(ascii: "\""):
            return scanStringLiteral()
        case UInt8(ascii: "/"):
            return scanExtendedRegex(hashes: hashes)
        case let next? where hashes == 1 && Self.isIdentifierStart(next):
            advance()
            scanIdentifierContinuation()
            return .poundKeyword
        case _ where hashes == 1:
            advance()
            return .punctuation
        default:
            advance(count: hashes)  // all at once: counting them again from each `#` is quadratic
            return .invalid("stray '#'")
        }
    }

    /// `#/ ... /#`, which may span lines.
    private mutating func scanExtendedRegex(hashes: Int) -> Token.Kind {
        advance(count: hashes + 1)
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\\") {
                advance(count: min(2, bytes.count - index))
            } else if bytes[index] == UInt8(ascii: "/"), hashesFollow(at: index + 1, count: hashes) {
                advance(count: 1 + hashes)
                return .regex
            } else {
                advance()
            }
        }
        return .invalid("unterminated regex literal")
    }

    /// Whether a `/` here may open a bare regex literal rather than divide: only where an
    /// expression can start, as after `(`, `=` or `return`.
    private var regexMayStartHere: Bool {
        guard let next = peek(1), next != UInt8(ascii: " "), next != UInt8(ascii: "\t"),
              next != UInt8(ascii: "\n"), next != UInt8(ascii: "\r") else { return false }
        guard let previous else { return true }
        switch previous.kind {
        case .punctuation:
            return !Self.punctuationEndingAnExpression.contains(previous.text)
        case .identifier:
            return Self.keywordsBeforeAnExpression.contains(previous.text)
        default:
            return false
        }
    }

    private static let punctuationEndingAnExpression: Set<String> = [")", "]", "}", "!", "?", ".", ">", "#", "@", "$", "\\"]
    private static let keywordsBeforeAnExpression: Set<String> = [
        "return", "case", "in", "where", "try", "await", "if", "guard", "while", "throw", "else",
        "yield", "is", "switch", "repeat",
    ]

    /// How far a bare regex literal may reach: a limit keeps a long line of `(/[` linear.
    static let maximumBareRegexLength = 2048

    /// A bare `/.../` regex ends on its own line; when it does not, the `/` is an operator and
    /// nil is returned with nothing consumed.
    private mutating func scanBareRegex() -> Token.Kind? {
        var position = index + 1
        var inCharacterClass = false
        let limit = min(bytes.count, index + Self.maximumBareRegexLength)
        while position < limit {
            switch bytes[position] {
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                return nil
            case UInt8(ascii: "\\"):
                position += 2
                continue
            case UInt8(ascii: "["):
                inCharacterClass = true
            case UInt8(ascii: "]"):
                inCharacterClass = false
            case UInt8(ascii: "/") where !inCharacterClass:
                advance(count: position + 1 - index)
                return .regex
            default:
                break
            }
            position += 1
        }
        return nil
    }

    // MARK: - Names and numbers

    private mutating func scanBacktickedIdentifier() -> Token.Kind {
        advance()
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "`"):
                advance()
                return .identifier
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                return .invalid("unterminated backticked name")
            default:
                advance()
            }
        }
        return .invalid("unterminated backticked name")
    }

    /// The rest of a name. `$` may stand inside one (`_$id`, `reset$All`), as in the names that
    /// macros such as `@ObservableState` generate; only a name that starts with `$` is special.
    private mutating func scanIdentifierContinuation() {
        while index < bytes.count, Self.isIdentifierContinuation(bytes[index]) || bytes[index] == UInt8(ascii: "$") { advance() }
    }

    private mutating func scanNumber() -> Token.Kind {
        let isHexadecimal = bytes[index] == UInt8(ascii: "0") && (peek(1) == UInt8(ascii: "x") || peek(1) == UInt8(ascii: "X"))
        advance()
        while index < bytes.count {
            let byte = bytes[index]
            if Self.isIdentifierContinuation(byte), byte < 0x80 {
                let isExponent = isHexadecimal
                    ? byte == UInt8(ascii: "p") || byte == UInt8(ascii: "P")
                    : byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
                advance()
                if isExponent, peek(0) == UInt8(ascii: "+") || peek(0) == UInt8(ascii: "-") { advance() }
            } else if byte == UInt8(ascii: "."), let next = peek(1),
                      Self.isDigit(next) || (isHexadecimal && Self.isHexadecimalLetter(next)) {
                advance()
            } else {
                break
            }
        }
        return .number
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func isHexadecimalLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F"))
    }

    /// Letters, `_` and every non-ASCII byte: Swift allows most of Unicode in names, and treating
    /// all of it as name characters keeps multi-byte characters in one token.
    private static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_") || byte >= 0x80
    }

    private static func isIdentifierContinuation(_ byte: UInt8?) -> Bool {
        guard let byte else { return false }
        return isIdentifierStart(byte) || isDigit(byte)
    }

    // MARK: - Moving

    private func peek(_ offset: Int) -> UInt8? {
        let position = index + offset
        return position < bytes.count ? bytes[position] : nil
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D: advance()
            default: return
            }
        }
    }

    /// Moves one byte on, counting lines: `\n`, `\r\n` and a lone `\r` each end a line.
    private mutating func advance() {
        let byte = bytes[index]
        index += 1
        if byte == UInt8(ascii: "\n") || (byte == UInt8(ascii: "\r") && peek(0) != UInt8(ascii: "\n")) {
            line += 1
            lineStart = index
        }
    }

    private mutating func advance(count: Int) {
        for _ in 0..<count where index < bytes.count { advance() }
    }
}
