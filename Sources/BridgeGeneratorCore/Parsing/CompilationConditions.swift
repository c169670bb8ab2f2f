/// The `#if` blocks open at a point of a file, and the condition under which that point is
/// compiled.
///
/// The generator reads every branch of an `#if` as present; what it generates from a branch
/// gets the branch's condition back, so that a requirement or import from `#if os(macOS)` is
/// not generated into a Linux build.
struct CompilationConditions {
    /// One `#if` block being read: the conditions of its earlier clauses, and the current one
    /// (nil in `#else`).
    private struct Block {
        /// Which block of the file it is, counted from 0 in source order.
        var number: Int
        var earlierConditions: [String] = []
        var currentCondition: String?
    }

    /// How many `#if` clauses a condition may combine before the point counts as never compiled.
    static let maximumClauses = 32

    private var blocks: [Block] = []
    private var blocksOpened = 0

    /// Applies the directive `#if`, `#elseif`, `#else` or `#endif`; `condition` is the text after
    /// `#if` and `#elseif`. Other directives change nothing.
    mutating func apply(_ directive: String, condition: String) {
        switch directive {
        case "#if":
            blocks.append(Block(number: blocksOpened, currentCondition: condition))
            blocksOpened += 1
        case "#elseif", "#else":
            guard var block = blocks.popLast() else { return }
            if let current = block.currentCondition { block.earlierConditions.append(current) }
            block.currentCondition = directive == "#else" ? nil : condition
            blocks.append(block)
        case "#endif":
            _ = blocks.popLast()
        default:
            break
        }
    }

    /// Applies the directive whose `#` word is at `index` of `list`, as `apply` does: `#if` and
    /// `#elseif` with the rest of the directive's line as their condition (`false` when there is
    /// none), never past `limit`; `#else` and `#endif` alone.
    ///
    /// - Returns: The index after the directive and its condition; nil when the word is no
    ///   clause of an `#if` (`#warning`, `#available`, a macro), which the caller reads as it needs.
    mutating func applyDirective(at index: Int, in list: TokenList, limit: Int = .max) -> Int? {
        guard let directive = list[index] else { return nil }
        switch directive.text {
        case "#if", "#elseif":
            // A condition ends with its line: the declarations under it start on the next one.
            var next = index + 1
            while next < limit, let token = list[next], token.line == directive.line { next += 1 }
            apply(directive.text, condition: next > index + 1 ? list.spelled((index + 1)..<next) : "false")
            return next
        case "#else", "#endif":
            apply(directive.text, condition: "")
            return index + 1
        default:
            return nil
        }
    }

    /// The condition under which the current point is compiled, or nil when always:
    /// `#else` after `#if A` is `!(A)`, nested blocks join their conditions with `&&`.
    var current: String? {
        var parts: [(condition: String, holds: Bool)] = []
        for block in blocks {
            parts += block.earlierConditions.map { ($0, false) }
            if let current = block.currentCondition { parts.append((current, true)) }
            // Real code nests a few `#if`s; a hostile file could nest thousands and make every
            // declaration carry a huge condition. Past this many clauses it counts as never compiled.
            if parts.count > Self.maximumClauses { return "false" }
        }
        if parts.count == 1, parts[0].holds { return parts[0].condition }
        if parts.isEmpty { return nil }
        return parts.map { $0.holds ? "(\($0.condition))" : "!(\($0.condition))" }.joined(separator: " && ")
    }

    /// The clause of each open `#if` block that the current point is in, outermost first.
    var branches: [ConditionalBranch] {
        blocks.map { ConditionalBranch(block: $0.number, clause: $0.earlierConditions.count) }
    }

    /// Whether two conditions as written can never hold together because one is the other
    /// negated: `os(Linux)` and `!os(Linux)`, or `!(os(Linux))` as an `#else` gives it.
    /// Conditions are compared as text, not evaluated.
    static func areComplementary(_ first: String?, _ second: String?) -> Bool {
        guard let first = first.map(withoutSpaces), let second = second.map(withoutSpaces) else { return false }
        return negations(of: first).contains(second) || negations(of: second).contains(first)
    }

    private static func withoutSpaces(_ condition: String) -> String {
        condition.filter { !$0.isWhitespace }
    }

    /// `!(c)`, and `!c` when `c` is one term that `!` can stand before without parentheses.
    private static func negations(of condition: String) -> [String] {
        let isOneTerm = !condition.contains("&&") && !condition.contains("||") && !condition.hasPrefix("!")
        return ["!(\(condition))"] + (isOneTerm ? ["!\(condition)"] : [])
    }

    /// `inner` under `outer`: both must hold.
    /// The condition under which any of `conditions` holds; nil (always) if one of them is.
    static func either(_ conditions: [String?]) -> String? {
        var distinct: [String] = []
        for condition in conditions {
            guard let condition else { return nil }
            if !distinct.contains(condition) { distinct.append(condition) }
        }
        return distinct.count == 1 ? distinct[0] : distinct.map { "(\($0))" }.joined(separator: " || ")
    }

    static func joined(_ outer: String?, _ inner: String?) -> String? {
        guard let outer else { return inner }
        guard let inner else { return outer }
        return "(\(outer)) && (\(inner))"
    }
}

/// One clause of one `#if` block of a file: `#if` is clause 0, each `#elseif` and the `#else`
/// the next.
///
/// Two declarations in different clauses of the same block are never compiled together, so
/// the compiler sees at most one of them, whatever the conditions mean.
struct ConditionalBranch: Hashable, Sendable {
    var block: Int
    var clause: Int

    /// Whether code under `first` and code under `second`, two points of one file, can never
    /// be compiled together: they sit in different clauses of one `#if` block.
    static func excludeEachOther(_ first: [ConditionalBranch], _ second: [ConditionalBranch]) -> Bool {
        first.contains { branch in second.contains { $0.block == branch.block && $0.clause != branch.clause } }
    }
}
