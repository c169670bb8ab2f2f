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

    init(list: TokenList, path: String, protocolNamed: @escaping ([String]) -> ProtocolReference? = { _ in nil }) {
        self.list = list
        self.path = path
        self.protocolNamed = protocolNamed
    }

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
        let directive = list.tokens[index]
        if directive.text == "#if" || directive.text == "#elseif" {
            var next = index + 1
            while next < end, let token = list[next], token.line == directive.line { next += 1 }
            conditions.apply(directive.text, condition: next > index + 1 ? list.spelled((index + 1)..<next) : "false")
            return next
        }
        if directive.text == "#else" || directive.text == "#endif" {
            conditions.apply(directive.text, condition: "")
            return index + 1
        }
        if list.isPunctuation(index + 1, "("), let after = list.indexAfterGroup(at: index + 1), after <= end {
            return after
        }
        return index + 1
    }

    private func location(_ index: Int) -> SourceLocation {
        guard let token = list[index] ?? list.tokens.last else { return SourceLocation(path: path, line: 1, column: 1) }
        return SourceLocation(path: path, token: token)
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
        guard index < end else {
            diagnostics.append(.error("expected a requirement after '\(attributes.last ?? "@")'.", at: location(start)))
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
            diagnostics.append(.error("expected a requirement after '\(modifiers.last ?? "")'.", at: location(first)))
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
        diagnostics += reader.problems.map { .error($0, at: location(first)) }
        diagnostics += reader.warnings.map { .warning($0, at: location(first)) }
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

/// Reads one `func` or `var` requirement: its parts, and the problems that keep it from being
/// bridged, phrased as `<what is wrong>: <why>. <the fix>`.
private struct RequirementReader {
    let list: TokenList
    let path: String
    /// The requirement's first token after its attributes, where problems are reported.
    let start: Int
    /// The index of `func`, `var`, `init`, ...
    let keyword: Int
    /// The end of the protocol body.
    let end: Int
    let attributes: [String]
    let modifiers: [String]
    let protocolNamed: ([String]) -> ProtocolReference?
    var problems: [String] = []
    /// Legal but probably not what the author meant.
    var warnings: [String] = []
    /// The requirement, when it could be read; bridged only when there are no problems.
    var requirement: BridgedRequirement?

    init(
        list: TokenList, path: String, start: Int, keyword: Int, end: Int, attributes: [String], modifiers: [String],
        protocolNamed: @escaping ([String]) -> ProtocolReference?
    ) {
        self.list = list
        self.path = path
        self.start = start
        self.keyword = keyword
        self.end = end
        self.attributes = attributes
        self.modifiers = modifiers
        self.protocolNamed = protocolNamed
    }

    private func token(_ index: Int) -> Token? {
        index < end ? list[index] : nil
    }

    private mutating func checkModifiers(name: String) {
        for modifier in modifiers {
            switch modifier {
            case "static", "class":
                problems.append("'\(name)' is '\(modifier)': the host serves one object, and a '\(modifier)' requirement belongs to its type. Make it an instance requirement.")
            case "mutating":
                problems.append("'\(name)' is 'mutating': the real object lives in the host, and the client has nothing to mutate. Remove 'mutating'.")
            default:
                break
            }
        }
    }

    /// What is wrong with `throws(E)`, nil when nothing: `throws(any Error)` is plain `throws`,
    /// `throws(Never)` does not throw at all.
    ///
    /// Any other `E` is refused: every bridged call can also fail with a `BridgeError` (the
    /// host died, the connection broke), which a `throws(E)` requirement has no way to report.
    private func typedThrowsProblem(_ name: String, errorType: Range<Int>) -> String? {
        let written = list.compact(errorType)
        if Self.anyErrorSpellings.contains(written) { return nil }
        if written == "Never" || written == "Swift.Never" {
            return notThrowing(name, fix: "Write 'throws' instead of 'throws(\(list.spelled(errorType)))'")
        }
        return "'\(name)' uses typed throws 'throws(\(list.spelled(errorType)))': every bridged call can also fail with a 'BridgeError' when the host process dies, which '\(list.spelled(errorType))' cannot carry. Use plain 'throws'; a Codable error still arrives as itself."
    }

    /// `any Error` as `TokenList.compact` writes it, in every spelling.
    private static let anyErrorSpellings: Set<String> = ["anyError", "anySwift.Error", "Error", "Swift.Error"]

    /// `fix` says where `throws` goes, as the corrected declaration shows it.
    private func notThrowing(_ name: String, fix: String) -> String {
        "'\(name)' must be 'throws' or 'async throws': a bridged call can always fail, because the host process can die. \(fix)."
    }

    /// Where `throws` goes in a method: after `async`, or else after the parameter list.
    private func functionThrowsFix(_ name: String, hasParameters: Bool, isAsync: Bool) -> String {
        let head = "func \(name)(\(hasParameters ? "..." : ""))"
        return isAsync
            ? "Add 'throws' after 'async': '\(head) async throws'"
            : "Add 'throws' after the parameter list: '\(head) throws'"
    }

    /// Where `throws` goes in a property: after `async`, or else after `get`.
    private func propertyThrowsFix(isAsync: Bool) -> String {
        isAsync ? "Add 'throws' after 'async': '{ get async throws }'" : "Add 'throws' after 'get': '{ get throws }'"
    }

    // MARK: func

    mutating func readFunction() -> Int {
        var index = keyword + 1
        guard let nameToken = token(index) else {
            problems.append("expected a name after 'func'.")
            return index
        }
        var name = nameToken.text
        if nameToken.kind == .identifier {
            index += 1
        } else if nameToken.kind == .punctuation, !["(", ")", "{", "}", "[", "]", ";", ","].contains(nameToken.text) {
            // An operator: its characters are separate tokens.
            name = ""
            while let next = token(index), next.kind == .punctuation, next.text != "(", next.text != "{",
                  name.isEmpty || !list.hasGapBefore(index) {
                name += next.text
                index += 1
            }
        } else {
            problems.append("expected a name after 'func', found '\(nameToken.text)'.")
            return indexOfNextRequirement(after: keyword)
        }
        checkModifiers(name: name)
        if list.isPunctuation(index, "<"), index < end {
            problems.append("'\(name)' is generic: the generated code must know the concrete types it encodes. Use concrete Codable types instead of generic parameters.")
            index = indexAfterAngleBrackets(at: index)
        }
        guard list.isPunctuation(index, "("), let afterParameters = list.indexAfterGroup(at: index), afterParameters <= end else {
            problems.append("cannot read '\(name)': expected '(' and its parameters after the name.")
            return indexOfNextRequirement(after: keyword)
        }
        let parameters = readParameters((index + 1)..<(afterParameters - 1), function: name)
        let hasParameters = afterParameters - index > 2
        index = afterParameters

        var isAsync = false
        var isThrowing = false
        effects: while let effect = token(index), effect.kind == .identifier {
            switch effect.text {
            case "async", "reasync":
                isAsync = true
                index += 1
            case "throws":
                isThrowing = true
                index += 1
                if list.isPunctuation(index, "("), list[index]?.line == effect.line,
                   let after = list.indexAfterGroup(at: index), after <= end {
                    if let problem = typedThrowsProblem(name, errorType: (index + 1)..<(after - 1)) {
                        problems.append(problem)  // `throws(Never)` included: it says what to write instead
                    }
                    index = after
                }
            case "rethrows":
                isThrowing = true
                problems.append("'\(name)' is 'rethrows': a bridged call can fail even when no argument throws, because the host process can die; and closures cannot cross a process boundary. Use 'throws'.")
                index += 1
            default:
                break effects
            }
        }
        if !isThrowing {
            problems.append(notThrowing(name, fix: functionThrowsFix(name, hasParameters: hasParameters, isAsync: isAsync)))
        }

        var result: TypeSpelling?
        var streamElement: TypeSpelling?
        if list.isPunctuation(index, "->"), index < end {
            index += 1
            let annotation = readTypeAnnotation(from: index, limit: end, stops: ["{", "="])
            if let stream = readStream(annotation, name: name, isProperty: false, isAsync: isAsync) {
                result = stream.type
                streamElement = stream.element
            } else {
                problems += checkType(annotation, subject: "the result of '\(name)'", role: .result(isProperty: false))
                if !annotation.core.isEmpty, !["Void", "()", "Swift.Void"].contains(list.compact(annotation.core)) {
                    result = spelling(of: annotation)
                }
            }
            index = annotation.whole.upperBound
        }
        if list.isWord(index, "where"), index < end {
            problems.append("'\(name)' has a 'where' clause: generic constraints cannot be bridged. Use concrete Codable types.")
            index = indexOfNextRequirement(after: index)
        }
        if list.isPunctuation(index, "{"), let after = list.indexAfterGroup(at: index), after <= end {
            index = after  // a body: the compiler refuses it in a protocol, nothing to add here
        }
        if let parameters {
            requirement = BridgedRequirement(
                kind: .method(parameters: parameters), name: name, bareName: nameToken.kind == .identifier ? nameToken.bareName : name,
                attributes: attributes, isAsync: isAsync, methodResult: result, streamElement: streamElement, location: location(start))
        }
        return index
    }

    /// Reads `label name: Type, ...`; nil when a parameter cannot be read.
    private mutating func readParameters(_ range: Range<Int>, function: String) -> [BridgedParameter]? {
        var pieces: [Range<Int>] = []
        var pieceStart = range.lowerBound
        var angles = 0
        var inDefaultValue = false
        var index = range.lowerBound
        while index < range.upperBound {
            if let after = list.indexAfterGroup(at: index), after <= range.upperBound {
                index = after
                continue
            }
            let token = list.tokens[index]
            if !inDefaultValue, token.isPunctuation("<") { angles += 1 }
            if !inDefaultValue, token.isPunctuation(">"), angles > 0 { angles -= 1 }
            if angles == 0, token.isPunctuation("=") { inDefaultValue = true }
            if angles == 0, token.isPunctuation(",") {
                pieces.append(pieceStart..<index)
                pieceStart = index + 1
                inDefaultValue = false
            }
            index += 1
        }
        // A trailing comma after the last parameter is allowed since Swift 6.1.
        if !range.isEmpty, !(pieceStart == range.upperBound && !pieces.isEmpty) {
            pieces.append(pieceStart..<range.upperBound)
        }

        var parameters: [BridgedParameter] = []
        var readAll = true
        for (position, piece) in pieces.enumerated() {
            if let parameter = readParameter(piece, number: position + 1, function: function) {
                parameters.append(parameter)
            } else {
                readAll = false
            }
        }
        return readAll ? parameters : nil
    }

    private mutating func readParameter(_ range: Range<Int>, number: Int, function: String) -> BridgedParameter? {
        var index = range.lowerBound
        while let after = list.indexAfterAttribute(at: index, limit: range.upperBound) {
            index = after  // attributes on a parameter's name are rare and not part of its type
        }
        guard index < range.upperBound, let first = list[index], first.kind == .identifier else {
            problems.append("cannot read parameter \(number) of '\(function)': expected 'name: Type'.")
            return nil
        }
        index += 1
        var second: Token?
        if index < range.upperBound, let token = list[index], token.kind == .identifier {
            second = token
            index += 1
        }
        guard index < range.upperBound, list.isPunctuation(index, ":") else {
            problems.append("cannot read parameter \(number) of '\(function)': expected 'name: Type'.")
            return nil
        }
        let name: String? = {
            let written = second ?? first
            return written.text == "_" ? nil : written.text
        }()
        let subject = name.map { "parameter '\($0)' of '\(function)'" } ?? "parameter \(number) of '\(function)'"
        let annotation = readTypeAnnotation(from: index + 1, limit: range.upperBound, stops: ["="])
        let typeProblems = checkType(annotation, subject: subject, role: .parameter)
        problems += typeProblems
        if annotation.specifiers.contains("inout") {
            problems.append("\(subject) is 'inout': the host cannot write into the caller's memory. Return the new value instead.")
        }
        if typeProblems.isEmpty, annotation.core.count > 1, let last = list[annotation.core.upperBound - 1], last.isPunctuation("...") {
            // The host decodes an array, and Swift has no way to pass an array on to a variadic
            // parameter but reinterpreting the function's type, which is undefined behaviour.
            let element = list.spelled(annotation.core.lowerBound..<(annotation.core.upperBound - 1))
            problems.append("\(subject) is variadic ('\(element)...'): the host decodes the values as an array, and Swift cannot pass an array on to a variadic parameter. Take an array, '[\(element)]', instead.")
        }
        let passing = annotation.specifiers.filter { ["borrowing", "consuming", "sending", "__owned", "__shared"].contains($0) }
        if let specifier = passing.first {
            warnings.append("\(subject) is '\(specifier)', which means nothing across a process boundary: the host always gets its own decoded copy. Remove '\(specifier)'.")
        }
        var type = spelling(of: annotation)
        if let mention = bridgedMention(in: annotation.core), mention.isWholeCallback(annotation.core) {
            type.callback = mention.reference.callback
            type.signature = "any \(mention.reference.callback.protocolName)"
        }
        return BridgedParameter(label: first.text, name: name, type: type)
    }

    // MARK: var

    mutating func readProperty() -> Int {
        let introducer = list.tokens[keyword].text
        guard let nameToken = token(keyword + 1), nameToken.kind == .identifier else {
            problems.append("expected a name after '\(introducer)'.")
            return indexOfNextRequirement(after: keyword)
        }
        let name = nameToken.text
        checkModifiers(name: name)
        if introducer == "let" {
            problems.append("'\(name)' is a 'let': a bridged property must be declared 'var \(name): T { get async throws }'.")
        }
        guard list.isPunctuation(keyword + 2, ":"), keyword + 2 < end else {
            problems.append("cannot read property '\(name)': expected ': Type' after its name.")
            return indexOfNextRequirement(after: keyword)
        }
        let annotation = readTypeAnnotation(from: keyword + 3, limit: end, stops: ["{", "="])
        // Whether the getter is `async` is known only after the accessors: checked there.
        let stream = readStream(annotation, name: name, isProperty: true, isAsync: true)
        if stream == nil {
            problems += checkType(annotation, subject: "property '\(name)'", role: .result(isProperty: true))
        }
        var index = annotation.whole.upperBound
        guard list.isPunctuation(index, "{"), let afterAccessors = list.indexAfterGroup(at: index), afterAccessors <= end else {
            if introducer == "var" {  // for a `let`, the message above already says what to write
                problems.append("property '\(name)' needs accessors: declare it '{ get async throws }' or '{ get throws }'.")
            }
            return indexOfNextRequirement(after: index)
        }

        var hasGetter = false
        var hasSetter = false
        var isAsync = false
        var isThrowing = false
        var inGetter = false
        index += 1
        while index < afterAccessors - 1 {
            if let after = list.indexAfterGroup(at: index), after < afterAccessors {
                index = after  // an accessor body or `throws(E)`, handled below
                continue
            }
            let word = list.tokens[index]
            switch word.text {
            case "get":
                hasGetter = true
                inGetter = true
            case "set", "_modify", "modify", "unsafeMutableAddress", "willSet", "didSet", "init":
                hasSetter = true
                inGetter = false
            case "async" where inGetter:
                isAsync = true
            case "throws" where inGetter:
                isThrowing = true
                if list.isPunctuation(index + 1, "("), list[index + 1]?.line == word.line,
                   let after = list.indexAfterGroup(at: index + 1), after < afterAccessors,
                   let problem = typedThrowsProblem(name, errorType: (index + 2)..<(after - 1)) {
                    problems.append(problem)  // `throws(Never)` included: it says what to write instead
                }
            default:
                break
            }
            index += 1
        }
        if hasSetter {
            problems.append("property '\(name)' is settable: a bridged property is read-only, because setting it could not report a failure. Declare it '{ get async throws }' and add a method that changes it.")
        }
        if !hasGetter, !hasSetter {
            problems.append("property '\(name)' needs accessors: declare it '{ get async throws }' or '{ get throws }'.")
        } else if !hasSetter, !isThrowing {  // a setter cannot throw: the settable error says it all
            problems.append(notThrowing(name, fix: propertyThrowsFix(isAsync: isAsync)))
        }
        if let stream, stream.element != nil, hasGetter, !hasSetter, !isAsync {
            problems.append(streamNotAsync(name, isProperty: true))
        }
        if !annotation.core.isEmpty {
            requirement = BridgedRequirement(
                kind: .property(type: stream?.type ?? spelling(of: annotation)), name: name, bareName: nameToken.bareName,
                attributes: attributes, isAsync: isAsync, methodResult: nil, streamElement: stream?.element, location: location(start))
        }
        return afterAccessors
    }

    // MARK: Types

    /// A type annotation split into its parts, as token ranges.
    private struct TypeAnnotation {
        /// Everything, specifiers and attributes included.
        var whole: Range<Int>
        /// `inout`, `borrowing`, `sending`, ...
        var specifiers: [String]
        /// `@escaping`, `@Sendable`, `@MainActor`, ...
        var attributes: [String]
        /// The type itself.
        var core: Range<Int>
    }

    /// Reads a type from `start`: specifiers and attributes first, then the type up to one of
    /// `stops` at the top level, a token that starts the next requirement, or `limit`.
    private func readTypeAnnotation(from start: Int, limit: Int, stops: Set<String>) -> TypeAnnotation {
        var index = start
        var specifiers: [String] = []
        var attributes: [String] = []
        while index < limit, let token = list[index] {
            if token.kind == .identifier, Keywords.typeSpecifiers.contains(token.text),
               let next = list[index + 1], next.kind == .identifier || next.isPunctuation("(") || next.isPunctuation("[") || next.isPunctuation("@") {
                specifiers.append(token.text)
                index += 1
            } else if let after = list.indexAfterAttribute(at: index, limit: limit) {
                attributes.append(list.spelled(index..<after))
                index = after
            } else {
                break
            }
        }
        let coreStart = index
        var angles = 0
        while index < limit, let token = list[index] {
            if token.isPunctuation("{") || token.isPunctuation("}") || token.isPunctuation(";") || token.kind == .poundKeyword {
                break
            }
            if angles == 0, index > coreStart {
                if token.kind == .punctuation, stops.contains(token.text) { break }
                if token.kind == .identifier, Keywords.declarationStarts.contains(token.text) || token.text == "where" { break }
                if token.isPunctuation("@"), !(list[index - 1]?.isPunctuation("->") ?? false) { break }
            } else if angles == 0, token.kind == .punctuation, stops.contains(token.text) {
                break
            }
            if let after = list.indexAfterGroup(at: index), after <= limit {
                index = after
                continue
            }
            if token.isPunctuation("<") { angles += 1 }
            if token.isPunctuation(">") {
                if angles == 0 { break }
                angles -= 1
            }
            index += 1
        }
        return TypeAnnotation(whole: start..<index, specifiers: specifiers, attributes: attributes, core: coreStart..<index)
    }

    private func spelling(of annotation: TypeAnnotation) -> TypeSpelling {
        var spelling = typeSpelling(annotation.core)
        spelling.declared = list.spelled(annotation.whole)
        return spelling
    }

    /// The type in `range`, its elements read when it is a tuple.
    private func typeSpelling(_ range: Range<Int>) -> TypeSpelling {
        TypeSpelling(
            declared: list.spelled(range), swift: list.spelled(range), signature: list.compact(range),
            tupleElements: tupleElements(range).map { elements in
                elements.map { TupleElement(label: $0.label, type: typeSpelling($0.type)) }
            })
    }

    /// The elements of the tuple type that fills `range` exactly, `(a: Int, String)`; nil when
    /// it is no tuple: a parenthesized type `(Int)` or `()` is none.
    private func tupleElements(_ range: Range<Int>) -> [(label: String?, type: Range<Int>)]? {
        guard range.count >= 2, list.isPunctuation(range.lowerBound, "("),
              list.partner[range.lowerBound] == range.upperBound - 1 else { return nil }
        var elements: [(label: String?, type: Range<Int>)] = []
        var elementStart = range.lowerBound + 1
        var index = elementStart
        let close = range.upperBound - 1
        var angles = 0
        func finish() {
            guard elementStart < index else { return }
            if list.isIdentifier(elementStart), list.isPunctuation(elementStart + 1, ":") {
                elements.append((list[elementStart]?.text, (elementStart + 2)..<index))
            } else {
                elements.append((nil, elementStart..<index))
            }
        }
        while index < close {
            if let after = list.indexAfterGroup(at: index), after <= close {
                index = after
                continue
            }
            if list.isPunctuation(index, "<") { angles += 1 }
            if list.isPunctuation(index, ">"), angles > 0 { angles -= 1 }
            if angles == 0, list.isPunctuation(index, ",") {
                finish()
                elementStart = index + 1
            }
            index += 1
        }
        finish()
        return elements.count >= 2 ? elements : nil
    }

    /// The problems of a parameter, result or property type that no bridge can carry.
    private func checkType(_ annotation: TypeAnnotation, subject: String, role: TypeRole) -> [String] {
        guard !annotation.core.isEmpty else { return ["cannot read \(subject): expected a type."] }
        var problems: [String] = []
        let tokens = annotation.core.map { list.tokens[$0] }
        let written = list.spelled(annotation.core)
        if annotation.attributes.contains(where: { $0.hasPrefix("@escaping") || $0.hasPrefix("@autoclosure") })
            || tokens.contains(where: { $0.isPunctuation("->") }) {
            problems.append("\(subject) is a closure: closures cannot cross a process boundary; pass a Codable value instead.")
        }
        if let problem = streamProblem(in: annotation.core, subject: subject, role: role) {
            problems.append(problem)
        } else if let mention = bridgedMention(in: annotation.core) {
            if let problem = callbackProblem(mention, in: annotation.core, subject: subject, role: role) { problems.append(problem) }
        } else if tokens.contains(where: { ["some", "any", "Any", "AnyObject"].contains($0.text) && $0.kind == .identifier || $0.isPunctuation("&") }) {
            problems.append("\(subject) has the type '\(written)': existential and opaque types cannot be bridged; use a concrete Codable type.")
        } else if let bare = bareProtocolNames(in: annotation.core).first {
            // `P` alone as a type is `any P`, which is no more Codable than when spelled so.
            problems.append("\(subject) has the type '\(written)', where the protocol '\(list.spelled(bare.range))' stands for 'any \(list.spelled(bare.range))': existential and opaque types cannot be bridged; use a concrete Codable type.")
        }
        if tokens.contains(where: { $0.isWord("Self") }) {
            problems.append("\(subject) uses 'Self': the client and the real type are different types. Use a concrete Codable type.")
        }
        if tokens.last?.isPunctuation("!") ?? false {
            problems.append("\(subject) is an implicitly unwrapped optional: use an optional ('T?') instead.")
        }
        if problems.isEmpty, let nested = nestedTuple(in: annotation.core) {
            problems.append("\(subject) has the type '\(written)', with the tuple '\(list.spelled(nested))' inside it: tuples are not Codable, so a bridge carries one only as a whole parameter or result (or inside such a tuple). Use a Codable struct instead.")
        }
        return problems
    }

    /// Where a type stands, which decides what it may be.
    private enum TypeRole {
        case parameter
        /// A method's result or a property's type.
        case result(isProperty: Bool)
        /// The element type of a streamed result.
        case streamElement
    }

    // MARK: Streams

    /// Reads a result or property type that is a stream as a whole, adding its problems; nil
    /// when it is none, to be checked as any other type. The element is nil when there are
    /// problems; `Void` is an empty tuple.
    ///
    /// Only `AsyncThrowingStream<T, any Error>` is bridged: the host can fail or die
    /// mid-stream, and the stream must be able to end with that error.
    private mutating func readStream(
        _ annotation: TypeAnnotation, name: String, isProperty: Bool, isAsync: Bool
    ) -> (type: TypeSpelling, element: TypeSpelling?)? {
        guard let (kind, arguments) = wholeStream(annotation.core) else { return nil }
        let subject = isProperty ? "property '\(name)'" : "the result of '\(name)'"
        let written = list.spelled(annotation.core)
        let element = arguments.first.map { list.spelled($0) } ?? "T"
        var type = spelling(of: annotation)
        if kind == "AsyncStream" {
            problems.append("\(subject) has the type '\(written)': the host can fail or die mid-stream, and an 'AsyncStream' cannot end with an error. Use 'AsyncThrowingStream<\(element), any Error>'.")
            return (type, nil)
        }
        guard arguments.count == 2, !arguments[0].isEmpty else {
            problems.append("\(subject) has the type '\(written)': a bridged stream is written 'AsyncThrowingStream<T, any Error>', with T the Codable type of its elements.")
            return (type, nil)
        }
        guard Self.anyErrorSpellings.contains(list.compact(arguments[1])) else {
            problems.append("\(subject) has the type '\(written)': a bridged stream can also end with a 'BridgeError' when the host fails or dies mid-stream, which '\(list.spelled(arguments[1]))' cannot carry. Use 'AsyncThrowingStream<\(element), any Error>'.")
            return (type, nil)
        }
        var elementType: TypeSpelling
        if ["Void", "()", "Swift.Void"].contains(list.compact(arguments[0])) {
            elementType = TypeSpelling(declared: "Void", swift: "Void", signature: "Void", tupleElements: [])
        } else {
            let elementAnnotation = TypeAnnotation(whole: arguments[0], specifiers: [], attributes: [], core: arguments[0])
            let elementProblems = checkType(elementAnnotation, subject: "the stream element of '\(name)'", role: .streamElement)
            problems += elementProblems
            guard elementProblems.isEmpty else { return (type, nil) }
            elementType = typeSpelling(arguments[0])
        }
        if !isAsync { problems.append(streamNotAsync(name, isProperty: isProperty)) }
        type.signature = "AsyncThrowingStream<\(elementType.signature)>"
        return (type, elementType)
    }

    private func streamNotAsync(_ name: String, isProperty: Bool) -> String {
        "'\(name)' returns a stream but is not 'async': the stream is set up by a call to the host, which the caller must await. Declare it \(isProperty ? "'{ get async throws }'" : "'async throws'")."
    }

    /// The kind and generic arguments when `range` is exactly `AsyncThrowingStream<...>` or
    /// `AsyncStream<...>`, `Swift.` allowed.
    private func wholeStream(_ range: Range<Int>) -> (kind: String, arguments: [Range<Int>])? {
        var index = range.lowerBound
        if list.isWord(index, "Swift"), list.isPunctuation(index + 1, ".") { index += 2 }
        guard index + 2 < range.upperBound, let name = list[index], name.kind == .identifier,
              name.bareName == "AsyncThrowingStream" || name.bareName == "AsyncStream",
              list.isPunctuation(index + 1, "<"), list.isPunctuation(range.upperBound - 1, ">"),
              let arguments = genericArguments((index + 2)..<(range.upperBound - 1)) else { return nil }
        return (name.bareName, arguments)
    }

    /// The comma-separated arguments in `range`, the inside of a `<...>`; nil when a `>` in it
    /// closes the list early, so `range` is not one argument list.
    private func genericArguments(_ range: Range<Int>) -> [Range<Int>]? {
        var arguments: [Range<Int>] = []
        var argumentStart = range.lowerBound
        var depth = 0
        var index = range.lowerBound
        while index < range.upperBound {
            if let after = list.indexAfterGroup(at: index), after <= range.upperBound {
                index = after
                continue
            }
            if list.isPunctuation(index, "<") { depth += 1 }
            if list.isPunctuation(index, ">") {
                if depth == 0 { return nil }
                depth -= 1
            }
            if depth == 0, list.isPunctuation(index, ",") {
                arguments.append(argumentStart..<index)
                argumentStart = index + 1
            }
            index += 1
        }
        guard depth == 0 else { return nil }
        arguments.append(argumentStart..<range.upperBound)
        return arguments
    }

    /// What is wrong with a stream anywhere in a type that is not a whole stream result; nil
    /// when the type names no stream.
    private func streamProblem(in range: Range<Int>, subject: String, role: TypeRole) -> String? {
        let streamNames: Set<String> = ["AsyncThrowingStream", "AsyncStream", "AsyncSequence"]
        guard range.contains(where: { list.tokens[$0].kind == .identifier && streamNames.contains(list.tokens[$0].bareName) }) else {
            return nil
        }
        let written = list.spelled(range)
        if case .parameter = role {
            return "\(subject) has the type '\(written)': a stream cannot be passed to the host, only returned from it. Pass an array, or a callback object ('any P' of a bridged protocol) that the host calls for each value."
        }
        var index = range.lowerBound
        if list.isWord(index, "some") || list.isWord(index, "any") {
            index += 1
            if list.isWord(index, "Swift"), list.isPunctuation(index + 1, ".") { index += 2 }
            if list[index]?.bareName == "AsyncSequence", list.isIdentifier(index) {
                let arguments = list.isPunctuation(index + 1, "<") && list.isPunctuation(range.upperBound - 1, ">")
                    ? genericArguments((index + 2)..<(range.upperBound - 1)) : nil
                let element = arguments?.first.flatMap { $0.isEmpty ? nil : list.spelled($0) } ?? "T"
                return "\(subject) has the type '\(written)': the generated client must return one concrete type. Declare it 'AsyncThrowingStream<\(element), any Error>'."
            }
        }
        return "\(subject) has the type '\(written)': a stream crosses only as the whole result, 'AsyncThrowingStream<T, any Error>', not inside another type. Return the stream alone; put other values in its elements or in another method."
    }

    // MARK: Callbacks

    /// `any P` or `some P` where `P` is a bridged protocol of the target.
    private struct BridgedMention {
        /// `any` or `some`.
        var keyword: String
        /// From the keyword through the name.
        var range: Range<Int>
        /// The name as written: `Tools.Progress`.
        var name: String
        var reference: BridgedProtocolReference

        /// Whether the mention is all of `core`, as `any`: the one form a callback crosses in.
        func isWholeCallback(_ core: Range<Int>) -> Bool { keyword == "any" && range == core }
    }

    /// The first `any P`, `some P` or bare `P` in `range` whose `P` is a bridged protocol of the
    /// target. A protocol's name alone used as a type means `any P`, and is read so.
    private func bridgedMention(in range: Range<Int>) -> BridgedMention? {
        // After a `.` the word is a name's component, not the keyword: skipping it keeps
        // `any any.any.any...` linear.
        var index = range.lowerBound
        while index < range.upperBound {
            guard list.isIdentifier(index), !list.isPunctuation(index - 1, ".") else {
                index += 1
                continue
            }
            let isKeyword = list.isWord(index, "any") || list.isWord(index, "some")
            let name = dottedName(from: isKeyword ? index + 1 : index, limit: range.upperBound)
            if !name.path.isEmpty, !isTupleLabel(name.end, limit: range.upperBound),
               case .bridged(let reference)? = protocolNamed(name.path) {
                let nameStart = isKeyword ? index + 1 : index
                return BridgedMention(
                    keyword: isKeyword ? list.tokens[index].text : "any", range: index..<name.end,
                    name: list.spelled(nameStart..<name.end), reference: reference)
            }
            index = max(index + 1, name.end)
        }
        return nil
    }

    /// The names in `range` that stand alone for a protocol of the target or a standard one
    /// (`Error`, `Codable`): each is `any P` without the `any`.
    private func bareProtocolNames(in range: Range<Int>) -> [(range: Range<Int>, reference: ProtocolReference)] {
        var found: [(range: Range<Int>, reference: ProtocolReference)] = []
        var index = range.lowerBound
        while index < range.upperBound {
            guard list.isIdentifier(index), !list.isPunctuation(index - 1, "."),
                  !list.isWord(index - 1, "any"), !list.isWord(index - 1, "some") else {
                index += 1
                continue
            }
            let name = dottedName(from: index, limit: range.upperBound)
            if !isTupleLabel(name.end, limit: range.upperBound), let reference = protocolNamed(name.path) {
                found.append((index..<name.end, reference))
            }
            index = max(index + 1, name.end)
        }
        return found
    }

    /// The dotted name `A.B.C` that starts at `start`, without backticks, and the index after it.
    private func dottedName(from start: Int, limit: Int) -> (path: [String], end: Int) {
        var path: [String] = []
        var next = start
        while next < limit, list.isIdentifier(next) {
            path.append(list.tokens[next].bareName)
            next += 1
            guard next + 1 < limit, list.isPunctuation(next, "."), list.isIdentifier(next + 1) else { break }
            next += 1
        }
        return (path, next)
    }

    /// Whether the name that ends before `end` is a tuple element's label (`(count: Int)`).
    private func isTupleLabel(_ end: Int, limit: Int) -> Bool {
        end < limit && list.isPunctuation(end, ":")
    }

    /// What is wrong with a type that names a bridged protocol as `any P` or `some P`; nil for
    /// a parameter that is exactly `any P` of a `Sendable` protocol, a callback.
    private func callbackProblem(_ mention: BridgedMention, in core: Range<Int>, subject: String, role: TypeRole) -> String? {
        let written = list.spelled(core)
        let name = mention.name
        switch role {
        case .result(let isProperty):
            return isProperty
                ? "\(subject) has the type '\(written)': a bridged property cannot return a callback object; take one from the caller as a parameter of a method instead."
                : "\(subject) has the type '\(written)': a bridged method cannot return a callback object; pass one from the caller as a parameter instead."
        case .streamElement:
            return "\(subject) has the type '\(written)': a bridged stream cannot carry callback objects; pass one from the caller as a parameter instead."
        case .parameter:
            break
        }
        if mention.keyword == "some" {
            return "\(subject) has the type '\(written)': an opaque type cannot be bridged. Write 'any \(name)' to pass a callback object."
        }
        if mention.isWholeCallback(core) {
            guard !mention.reference.isSendable else { return nil }
            let simpleName = mention.reference.callback.protocolName.split(separator: ".").last.map(String.init) ?? name
            return "\(subject) has the type '\(written)', but '\(name)' is not Sendable: the host calls a callback object from another thread while the caller's code runs. Declare it 'protocol \(simpleName): Bridged, Sendable'."
        }
        let any = list.compact(mention.range)
        if ["(\(any))?", "\(any)?", "Optional<\(any)>", "Swift.Optional<\(any)>"].contains(list.compact(core)) {
            return "\(subject) has the type '\(written)': a callback cannot be optional, because the host would get a client for nothing. Pass an object whose methods do nothing, or declare a second method without the parameter."
        }
        return "\(subject) has the type '\(written)': a callback object crosses only as a parameter of exactly the type 'any \(name)', not inside or combined with another type. Pass each callback object as a parameter of its own."
    }

    /// A tuple that stands inside another type (`[(Int, Int)]`, `(Int, Int)?`), where the
    /// generated code cannot take it apart.
    private func nestedTuple(in range: Range<Int>) -> Range<Int>? {
        if let elements = tupleElements(range) {
            for element in elements {
                if let nested = nestedTuple(in: element.type) { return nested }
            }
            return nil
        }
        for index in range where list.isPunctuation(index, "(") {
            if let close = list.partner[index], close < range.upperBound, index != range.lowerBound || close != range.upperBound - 1 {
                return index..<(close + 1)
            }
        }
        return nil
    }

    // MARK: Moving on

    private func indexAfterAngleBrackets(at index: Int) -> Int {
        list.indexAfterAngleBrackets(at: index, limit: end) { next in
            guard let token = list[next] else { return false }
            return token.kind == .identifier && Keywords.declarationStarts.contains(token.text)
        }
    }

    /// The index of the next token that can start a requirement, after `index`: used to go on
    /// after a requirement that cannot be bridged or read.
    func indexOfNextRequirement(after index: Int) -> Int {
        var next = index + 1
        while next < end, let token = list[next] {
            if let after = list.indexAfterGroup(at: next), after <= end {
                next = after
                continue
            }
            if token.isPunctuation(";") || token.kind == .poundKeyword
                || (token.kind == .identifier && Keywords.declarationStarts.contains(token.text))
                || (token.isPunctuation("@") && list.startsLine(next)) {
                return next
            }
            next += 1
        }
        return min(next, end)
    }

    private func location(_ index: Int) -> SourceLocation {
        guard let token = list[index] ?? list.tokens.last else { return SourceLocation(path: path, line: 1, column: 1) }
        return SourceLocation(path: path, token: token)
    }
}
