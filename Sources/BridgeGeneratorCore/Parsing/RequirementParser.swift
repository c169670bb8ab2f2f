/// Reads the requirements in a bridged protocol's body and checks each against what a bridge
/// can carry, reporting every problem of every requirement rather than stopping at the first.
///
/// Every problem is reported at the requirement's first token after its attributes: its first
/// modifier (`static`, `mutating`) or else its keyword (`func`, `var`, `associatedtype`).
struct RequirementParser {
    let list: TokenList
    let path: String
    /// The protocol that a dotted name in a requirement's type names, if any: an `any P`
    /// parameter of a bridged one is a callback.
    let protocolNamed: ([String]) -> ProtocolReference?
    /// The requirements that passed every check, in declaration order.
    private(set) var requirements: [BridgedRequirement] = []
    private(set) var diagnostics: [Diagnostic] = []
    private var conditions = CompilationConditions()

    /// Reads requirements of a protocol in `list`, a file at `path`.
    init(list: TokenList, path: String, protocolNamed: @escaping ([String]) -> ProtocolReference? = { _ in nil }) {
        self.list = list
        self.path = path
        self.protocolNamed = protocolNamed
    }

    /// Reads every requirement in `body`, the tokens between the protocol's braces.
    mutating func parse(_ body: Range<Int>) {
        var index = body.lowerBound
        while index < body.upperBound {
            let token = list.tokens[index]
            if token.isPunctuation(";") {
                index += 1
            } else if token.kind == .poundKeyword {
                index = indexAfterDirective(at: index, end: body.upperBound)
            } else {
                index = max(index + 1, readRequirement(at: index, end: body.upperBound))
            }
        }
    }

    /// Reads `#if condition`, `#else`, `#endif` (both branches are read as present, each
    /// requirement keeping its condition) and skips `#warning(...)`-like directives.
    private mutating func indexAfterDirective(at index: Int, end: Int) -> Int {
        if let next = conditions.applyDirective(at: index, in: list, limit: end) { return next }
        if list.isPunctuation(index + 1, "("), let after = list.indexAfterGroup(at: index + 1), after <= end {
            return after
        }
        return index + 1
    }

    // MARK: - One requirement

    /// Reads the requirement that starts at `start`; returns the index after it.
    private mutating func readRequirement(at start: Int, end: Int) -> Int {
        var index = start
        var attributes: [String] = []
        while let after = list.indexAfterAttribute(at: index, limit: end) {
            attributes.append(list.spelled(index..<after))
            index = after
        }
        let first = index
        let here = list.location(of: first, in: path)
        guard index < end else {
            diagnostics.append(.error("expected a requirement after '\(attributes.last ?? "@")'.", at: list.location(of: start, in: path)))
            return end
        }
        var modifiers: [String] = []
        while index < end, let token = list[index], token.kind == .identifier,
              Keywords.declarationModifiers.contains(token.text), let next = list[index + 1],
              next.kind == .identifier || next.isPunctuation("(") {
            modifiers.append(token.text)
            index += 1
            if list.isPunctuation(index, "("), list[index]?.line == token.line,
               let after = list.indexAfterGroup(at: index), after <= end {
                index = after  // `nonisolated(unsafe)`
            }
        }
        guard let keyword = list[index], index < end else {
            diagnostics.append(.error("expected a requirement after '\(modifiers.last ?? "")'.", at: here))
            return end
        }
        var reader = RequirementReader(
            list: list, path: path, start: first, keyword: index, end: end,
            attributes: attributes, modifiers: modifiers, protocolNamed: protocolNamed)
        let next: Int
        switch keyword.text {
        case "func":
            next = reader.readFunction()
        case "var", "let":
            next = reader.readProperty()
        case "init":
            reader.problems.append("initializers cannot be bridged: the host creates the real object itself, with 'init()'. Remove the requirement.")
            next = reader.indexOfNextRequirement(after: index)
        case "subscript":
            reader.problems.append("subscripts cannot be bridged. Use a method such as 'func element(at index: Int) async throws -> Element' instead.")
            next = reader.indexOfNextRequirement(after: index)
        case "associatedtype":
            let name = list[index + 1]?.text ?? ""
            reader.problems.append("associated type '\(name)': a bridged protocol cannot have associated types, because its client must be one concrete type. Use concrete Codable types instead.")
            next = reader.indexOfNextRequirement(after: index)
        case "typealias":
            next = reader.indexOfNextRequirement(after: index)  // a convenience name, nothing to bridge
        default:
            reader.problems.append("unexpected '\(keyword.text)' in a bridged protocol: only 'func' and 'var' requirements can be bridged.")
            next = reader.indexOfNextRequirement(after: index)
        }
        diagnostics += reader.problems.map { .error($0, at: here) }
        diagnostics += reader.warnings.map { .warning($0, at: here) }
        if reader.problems.isEmpty, var requirement = reader.requirement {
            requirement.condition = conditions.current
            requirements.append(requirement)
        }
        return next
    }
}

/// A protocol that a requirement's type names, with or without `any`.
enum ProtocolReference {
    /// A bridged protocol of the target.
    case bridged(BridgedProtocolReference)
    /// Any other protocol: a protocol of the target that is not bridged, or `Error`, `Codable`.
    case other
}

/// A bridged protocol of the target as a requirement's type names it.
struct BridgedProtocolReference {
    var callback: CallbackType
    /// Its inheritance list, or that of a protocol of the target it inherits, names `Sendable`.
    var isSendable: Bool
}
