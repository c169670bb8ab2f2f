/// The rules a requirement must follow to be bridged, checked as `RequirementReader` reads its
/// parts: each returns or adds problems phrased `<what is wrong>: <why>. <the fix>`, so that
/// every problem of every requirement is reported.
///
/// What a rule accepts is what the generated code can carry: a throwing requirement (the host
/// can die), types the codec encodes (`Codable` values, tuples of them as a whole), callbacks
/// as a whole `any P` parameter of a bridged `Sendable` protocol, streams as a whole
/// `AsyncThrowingStream<T, any Error>` result.
extension RequirementReader {
    // MARK: Requirements

    /// The problems of the requirement's modifiers: `static` and `class` belong to a type,
    /// `mutating` has nothing to mutate in a client; and of its isolation: `@MainActor`.
    mutating func checkModifiers(name: String) {
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
        if attributes.contains(where: ProtocolParser.isMainActor) {
            problems.append("'\(name)' is '@MainActor': the call runs in the host on the host's own tasks, not on this process's main actor, and its client is called from any isolation. Remove '@MainActor'; a caller on the main actor calls it as it is.")
        }
    }

    /// What is wrong with `throws(E)`, nil when nothing: `throws(any Error)` is plain `throws`,
    /// `throws(Never)` does not throw at all.
    ///
    /// Any other `E` is refused: every bridged call can also fail with a `BridgeError` (the
    /// host died, the connection broke), which a `throws(E)` requirement has no way to report.
    func typedThrowsProblem(_ name: String, errorType: Range<Int>) -> String? {
        let written = list.compact(errorType)
        if Self.anyErrorSpellings.contains(written) { return nil }
        if written == "Never" || written == "Swift.Never" {
            return notThrowing(name, fix: "Write 'throws' instead of 'throws(\(list.spelled(errorType)))'")
        }
        return "'\(name)' uses typed throws 'throws(\(list.spelled(errorType)))': every bridged call can also fail with a 'BridgeError' when the host process dies, which '\(list.spelled(errorType))' cannot carry. Use plain 'throws'; a Codable error still arrives as itself."
    }

    /// `any Error` as `TokenList.compact` writes it, in every spelling.
    static let anyErrorSpellings: Set<String> = ["anyError", "anySwift.Error", "Error", "Swift.Error"]

    /// `fix` says where `throws` goes, as the corrected declaration shows it.
    func notThrowing(_ name: String, fix: String) -> String {
        "'\(name)' must be 'throws' or 'async throws': a bridged call can always fail, because the host process can die. \(fix)."
    }

    /// Where `throws` goes in a method: after `async`, or else after the parameter list.
    func functionThrowsFix(_ name: String, hasParameters: Bool, isAsync: Bool) -> String {
        let head = "func \(name)(\(hasParameters ? "..." : ""))"
        return isAsync
            ? "Add 'throws' after 'async': '\(head) async throws'"
            : "Add 'throws' after the parameter list: '\(head) throws'"
    }

    /// Where `throws` goes in a property: after `async`, or else after `get`.
    func propertyThrowsFix(isAsync: Bool) -> String {
        isAsync ? "Add 'throws' after 'async': '{ get async throws }'" : "Add 'throws' after 'get': '{ get throws }'"
    }

    // MARK: Types

    /// The problems of a parameter, result or property type that no bridge can carry.
    func checkType(_ annotation: TypeAnnotation, subject: String, role: TypeRole) -> [String] {
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
    enum TypeRole {
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
    mutating func readStream(
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

    /// The problem of a stream result on a requirement that is not `async`.
    func streamNotAsync(_ name: String, isProperty: Bool) -> String {
        "'\(name)' returns a stream but is not 'async': the stream is set up by a call to the host, which the caller must await. Declare it \(isProperty ? "'{ get async throws }'" : "'async throws'")."
    }

    /// The kind and generic arguments when `range` is exactly `AsyncThrowingStream<...>` or
    /// `AsyncStream<...>`, `Swift.` allowed.
    func wholeStream(_ range: Range<Int>) -> (kind: String, arguments: [Range<Int>])? {
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
    func genericArguments(_ range: Range<Int>) -> [Range<Int>]? {
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
    func streamProblem(in range: Range<Int>, subject: String, role: TypeRole) -> String? {
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
    struct BridgedMention {
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
    func bridgedMention(in range: Range<Int>) -> BridgedMention? {
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
    func bareProtocolNames(in range: Range<Int>) -> [(range: Range<Int>, reference: ProtocolReference)] {
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
    func dottedName(from start: Int, limit: Int) -> (path: [String], end: Int) {
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
    func isTupleLabel(_ end: Int, limit: Int) -> Bool {
        end < limit && list.isPunctuation(end, ":")
    }

    /// What is wrong with a type that names a bridged protocol as `any P` or `some P`; nil for
    /// a parameter that is exactly `any P` of a `Sendable` protocol, a callback.
    func callbackProblem(_ mention: BridgedMention, in core: Range<Int>, subject: String, role: TypeRole) -> String? {
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
    func nestedTuple(in range: Range<Int>) -> Range<Int>? {
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
}
