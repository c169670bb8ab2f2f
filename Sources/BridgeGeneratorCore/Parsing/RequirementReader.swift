/// Reads one `func` or `var` requirement: its parts, and the problems that keep it from being
/// bridged, phrased as `<what is wrong>: <why>. <the fix>`.
struct RequirementReader {
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
    /// Whether a function that does not throw is a problem: it is for a bridged protocol's
    /// requirement, not for a distributed function, which the runtime makes throwing.
    var requiresThrows = true

    /// Reads the requirement whose keyword is at `keyword`, its attributes and modifiers
    /// already read by `RequirementParser`.
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

    /// The token at `index`, or nil past the protocol body.
    func token(_ index: Int) -> Token? {
        index < end ? list[index] : nil
    }

    // MARK: func

    /// Reads a `func` requirement: name, parameters, effects, result. Returns the index after it.
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
        if !isThrowing, requiresThrows {
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
                attributes: attributes, isAsync: isAsync, methodResult: result, streamElement: streamElement, location: list.location(of: start, in: path))
        }
        return index
    }

    /// Reads `label name: Type, ...`; nil when a parameter cannot be read.
    mutating func readParameters(_ range: Range<Int>, function: String) -> [BridgedParameter]? {
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

    /// Reads one `label name: Type` of `function`, its `number` counted from 1; nil when it
    /// cannot be read.
    mutating func readParameter(_ range: Range<Int>, number: Int, function: String) -> BridgedParameter? {
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

    /// Reads a `var` (or a refused `let`) requirement: name, type, accessors and their effects.
    /// Returns the index after it.
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
                attributes: attributes, isAsync: isAsync, methodResult: nil, streamElement: stream?.element, location: list.location(of: start, in: path))
        }
        return afterAccessors
    }

    // MARK: Types

    /// A type annotation split into its parts, as token ranges.
    struct TypeAnnotation {
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
    func readTypeAnnotation(from start: Int, limit: Int, stops: Set<String>) -> TypeAnnotation {
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

    /// The type of `annotation`, declared with its specifiers and attributes.
    func spelling(of annotation: TypeAnnotation) -> TypeSpelling {
        var spelling = typeSpelling(annotation.core)
        spelling.declared = list.spelled(annotation.whole)
        return spelling
    }

    /// The type in `range`, its elements read when it is a tuple.
    func typeSpelling(_ range: Range<Int>) -> TypeSpelling {
        TypeSpelling(
            declared: list.spelled(range), swift: list.spelled(range), signature: list.compact(range),
            tupleElements: tupleElements(range).map { elements in
                elements.map { TupleElement(label: $0.label, type: typeSpelling($0.type)) }
            })
    }

    /// The elements of the tuple type that fills `range` exactly, `(a: Int, String)`; nil when
    /// it is no tuple: a parenthesized type `(Int)` or `()` is none.
    func tupleElements(_ range: Range<Int>) -> [(label: String?, type: Range<Int>)]? {
        guard range.count >= 2, list.isPunctuation(range.lowerBound, "("),
              list.partner[range.lowerBound] == range.upperBound - 1 else { return nil }
        var elements: [(label: String?, type: Range<Int>)] = []
        let close = range.upperBound - 1
        var elementStart = range.lowerBound + 1
        for end in list.topLevelCommas(after: range.lowerBound, before: close) + [close] {
            // A trailing comma leaves an empty last piece.
            if elementStart < end {
                if list.isIdentifier(elementStart), list.isPunctuation(elementStart + 1, ":") {
                    elements.append((list[elementStart]?.text, (elementStart + 2)..<end))
                } else {
                    elements.append((nil, elementStart..<end))
                }
            }
            elementStart = end + 1
        }
        return elements.count >= 2 ? elements : nil
    }

    // MARK: Moving on

    /// The index after the `<...>` at `index`, never past the protocol body or into the next
    /// declaration.
    func indexAfterAngleBrackets(at index: Int) -> Int {
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
}
