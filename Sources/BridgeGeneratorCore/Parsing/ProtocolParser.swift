/// Finds the declarations of one file that the generator needs: bridged protocols, types and
/// extensions that may conform to them, and imports.
///
/// It walks the tokens once, keeping a stack of open braces so that it knows what encloses
/// each declaration; code bodies are walked but only type-like declarations are looked at.
/// Both branches of an `#if` are read as if present.
struct ProtocolParser {
    /// What a `{` opens, as far as naming nested declarations needs.
    private enum BraceOwner {
        case type(name: String)
        case `extension`(name: String)
        /// A function, closure, accessor or any other body.
        case code
    }

    /// How deep in types a protocol may be nested to be read.
    static let maximumNesting = 32

    private let path: String
    private let list: TokenList
    private var file: ParsedFile
    private var openBraces: [Int] = []
    /// The members of `openBraces`, so that a `}` whose `{` is not open is ignored at once.
    private var openBraceSet: Set<Int> = []
    private var owners: [BraceOwner] = []
    /// For each of `owners`, the qualified name of the type or extension whose body it is, or
    /// nil for code and anything inside code: kept as braces open so that a member needs no
    /// walk up the stack.
    private var memberScopes: [String?] = []
    private var bodyOwners: [Int: BraceOwner] = [:]
    /// For each extension's body, by its `{`: the access level and attributes written on the
    /// extension, which its members take on (`private extension`, `@available(...) extension`).
    private var extensionPrefixes: [Int: (access: AccessLevel?, attributes: [String])] = [:]
    private var conditions = CompilationConditions()

    /// Parses one file. Never fails: problems in bridged protocols become diagnostics, and
    /// anything else it cannot read is ignored, because the compiler reports it better.
    static func parse(path: String, text: String) -> ParsedFile {
        var parser = ProtocolParser(path: path, list: TokenList(Scanner.tokens(of: text)))
        parser.walk()
        return parser.file
    }

    private init(path: String, list: TokenList) {
        self.path = path
        self.list = list
        self.file = ParsedFile(path: path, list: list)
    }

    private mutating func walk() {
        var index = 0
        while index < list.count {
            let token = list.tokens[index]
            switch token.kind {
            case .poundKeyword:
                index = readDirective(at: index)
                continue
            case .punctuation where token.text == "{":
                openBraces.append(index)
                openBraceSet.insert(index)
                let owner = bodyOwners[index] ?? .code
                memberScopes.append(Self.memberScope(of: owner, inside: owners.isEmpty ? .some("") : memberScopes.last ?? nil))
                owners.append(owner)
            case .punctuation where token.text == "}":
                closeBrace(at: index)
            case .identifier where !list.isPunctuation(index - 1, "."):
                readDeclaration(at: index)
            default:
                break
            }
            index += 1
        }
    }

    private mutating func closeBrace(at index: Int) {
        guard let open = list.partner[index], openBraceSet.contains(open),
              let position = openBraces.lastIndex(of: open) else { return }
        openBraceSet.subtract(openBraces[position...])
        openBraces.removeSubrange(position...)
        owners.removeSubrange(position...)
        memberScopes.removeSubrange(position...)
    }

    // MARK: - Compiler directives

    /// Reads `#if`, `#elseif`, `#else`, `#endif` and skips their conditions; returns the index
    /// after the directive. Other `#` words (`#available`, macros) are expressions: left alone.
    private mutating func readDirective(at index: Int) -> Int {
        conditions.applyDirective(at: index, in: list) ?? index + 1
    }

    /// The condition under which the current position is compiled, or nil when always.
    private var currentCondition: String? { conditions.current }

    // MARK: - Declarations

    private mutating func readDeclaration(at index: Int) {
        let text = list.tokens[index].text
        // Most identifiers of a file are told apart from the words below by their first byte,
        // without a string comparison with each word.
        switch text.utf8.first {
        case UInt8(ascii: "i"), UInt8(ascii: "p"), UInt8(ascii: "c"), UInt8(ascii: "s"),
             UInt8(ascii: "e"), UInt8(ascii: "a"), UInt8(ascii: "l"), UInt8(ascii: "v"), UInt8(ascii: "f"):
            break
        default:
            return
        }
        switch text {
        case "import" where owners.isEmpty:
            readImport(at: index)
        case "protocol" where looksLikeTypeDeclaration(at: index):
            readProtocol(at: index)
        case "class", "struct", "enum", "actor":
            if looksLikeTypeDeclaration(at: index) { readTypeDeclaration(at: index) }
        case "extension":
            readExtension(at: index)
        case "init":
            readInitializer(at: index)
        case "let", "var":
            readStoredProperty(at: index)
        case "func":
            readDistributedFunction(at: index)
        default:
            break
        }
    }

    /// The qualified name of the type or extension whose body directly holds the current point,
    /// and whether it is a type's own body; nil inside code or at top level.
    private var memberOwner: (name: String, isTypeBody: Bool)? {
        guard let last = owners.last, let scope = memberScopes.last ?? nil else { return nil }
        if case .type = last { return (scope, true) }
        return (scope, false)
    }

    /// The qualified name of the body that `owner` opens inside `enclosing` (the empty name at
    /// top level), or nil in code.
    private static func memberScope(of owner: BraceOwner, inside enclosing: String?) -> String? {
        guard let enclosing else { return nil }
        switch owner {
        case .type(let name), .extension(let name): return enclosing.isEmpty ? name : enclosing + "." + name
        case .code: return nil
        }
    }

    /// Notes an `init` of a type or extension: whether it takes no arguments, and whether it is
    /// one that takes the implicit initializers away.
    private mutating func readInitializer(at index: Int) {
        guard let owner = memberOwner else { return }
        let prefix = declarationPrefix(before: index)
        if list.isPunctuation(index + 1, "("), list.isPunctuation(index + 2, ")") {
            if let access = prefix.access, access < .internal {
                file.initializers.hiddenParameterless.insert(owner.name)
            } else {
                file.initializers.parameterless.insert(owner.name)
            }
        }
        // `init(actorSystem:)` lets a host create a distributed actor (`HostableActors`): only
        // one that takes the system alone, and neither throws nor is async, is the protocol's
        // requirement; default values do not make another one the requirement.
        if list.isPunctuation(index + 1, "("), let label = list[index + 2], label.text == "actorSystem", list.isPunctuation(index + 3, ":"),
           takesOneParameterAndNoEffects(from: index + 1) {
            file.initializers.actorSystem.insert(owner.name)
        }
        let isConvenience = prefix.modifiers.contains("convenience")
        if owner.isTypeBody, !isConvenience, !list.isPunctuation(index - 1, ".") {
            file.initializers.withOwnInitializers.insert(owner.name)
        }
    }

    /// Whether the parameter list that opens at `open` has one parameter (a trailing comma
    /// allowed), and no `async`, `throws` or `rethrows` follows it.
    private func takesOneParameterAndNoEffects(from open: Int) -> Bool {
        guard let close = list.partner[open] else { return false }
        // A comma just before the closing parenthesis is a trailing one.
        guard list.topLevelCommas(after: open, before: close).allSatisfy({ $0 == close - 1 }) else { return false }
        let effects: Set<String> = ["async", "throws", "rethrows"]
        return !(list[close + 1].map { effects.contains($0.text) } ?? false)
    }

    /// Notes a `distributed func` of a type or extension body, whose signature
    /// `DistributedFunctionTables` reads later.
    private mutating func readDistributedFunction(at index: Int) {
        guard let owner = memberOwner, let open = openBraces.last, let close = list.partner[open], close > index else { return }
        let prefix = declarationPrefix(before: index)
        guard prefix.modifiers.contains("distributed") else { return }
        // A member of `private extension` is private; one of `@available(...) extension` is
        // under that availability.
        let enclosing = extensionPrefixes[open]
        let access = [prefix.access, enclosing?.access].compactMap { $0 }.min()
        file.distributedFunctions.append(DistributedFunctionSite(
            ownerName: owner.name, start: prefix.start, keyword: index, bodyEnd: close, access: access,
            attributes: prefix.attributes + (enclosing?.attributes ?? []), modifiers: prefix.modifiers,
            condition: currentCondition))
    }

    /// Notes a stored instance property without a default value in a type's body: `let name:
    /// String`. Computed and observed properties (a `{` on the line), several bindings, and
    /// properties with attributes (a wrapper may give the default) are left alone.
    private mutating func readStoredProperty(at index: Int) {
        // The cheap checks come first: this runs for every `let` and `var` of the target.
        guard let name = list[index + 1], name.kind == .identifier, list.isPunctuation(index + 2, ":"),
              let owner = memberOwner, owner.isTypeBody else { return }
        var next = index + 3
        var last: Token?
        while let token = list[next], token.line == name.line {
            if token.isPunctuation("=") || token.isPunctuation("{") || token.isPunctuation(",") || token.isPunctuation(";") { return }
            if let after = list.indexAfterGroup(at: next) {
                last = list[after - 1]
                next = after
                continue
            }
            last = token
            next += 1
        }
        // `var x: Int?` and `var x: Int!` start out nil; `let x: Int?` has no default.
        if list.tokens[index].text == "var", let last, last.isPunctuation("?") || last.isPunctuation("!") { return }
        guard file.initializers.storedWithoutDefault[owner.name] == nil else { return }
        let prefix = declarationPrefix(before: index)
        guard prefix.attributes.isEmpty, prefix.modifiers.isDisjoint(with: ["static", "class", "lazy"]) else { return }
        file.initializers.storedWithoutDefault[owner.name] = name.bareName
    }

    /// `struct Name` followed by `:`, `<`, `{` or `where`: tells `class Foo {` from `class func`
    /// and the contextual keyword `actor` from a variable named `actor`.
    private func looksLikeTypeDeclaration(at index: Int) -> Bool {
        guard let name = list[index + 1], name.kind == .identifier,
              !Keywords.declarationStarts.contains(name.text), let next = list[index + 2] else { return false }
        return next.isPunctuation(":") || next.isPunctuation("<") || next.isPunctuation("{") || next.isWord("where")
    }

    /// Where the enclosing braces put a declaration that starts now.
    private var placement: Placement {
        var names: [String] = []
        for owner in owners {
            switch owner {
            case .type(let name), .extension(let name): names.append(name)
            case .code: return .local
            }
        }
        return names.isEmpty ? .topLevel : .nested(in: names)
    }

    private mutating func readProtocol(at index: Int) {
        let name = list.tokens[index + 1].bareName
        let header = readTypeHeader(from: index + 2)
        if let body = header.body { bodyOwners[body] = .type(name: name) }
        // Real code nests types a few levels deep; thousands of levels are an unclosed brace
        // repeated, and looking names up through them would take quadratic time.
        guard owners.count <= Self.maximumNesting else { return }
        let prefix = declarationPrefix(before: index)
        file.protocols.append(ProtocolDeclaration(
            name: name, placement: placement, writtenAccess: prefix.access,
            availability: prefix.attributes.filter { $0.hasPrefix("@available") },
            isMainActorIsolated: prefix.attributes.contains(where: Self.isMainActor),
            isGeneric: header.isGeneric, inherited: header.inherited, body: header.body,
            location: list.location(of: index, in: path), condition: currentCondition, branches: conditions.branches))
    }

    /// `@MainActor`, also spelled `@_Concurrency.MainActor`.
    static func isMainActor(_ attribute: String) -> Bool {
        attribute == "@MainActor" || attribute == "@_Concurrency.MainActor"
    }

    private mutating func readTypeDeclaration(at index: Int) {
        let name = list.tokens[index + 1].bareName
        let header = readTypeHeader(from: index + 2)
        if let body = header.body { bodyOwners[body] = .type(name: name) }
        let prefix = declarationPrefix(before: index)
        let declaration = TypeDeclaration(
            keyword: list.tokens[index].text, name: name, placement: placement, writtenAccess: prefix.access,
            attributes: prefix.attributes,
            isGeneric: header.isGeneric,
            isNonFinalClass: list.tokens[index].text == "class" && !prefix.modifiers.contains("final"),
            isDistributed: list.tokens[index].text == "actor" && prefix.modifiers.contains("distributed"),
            inherited: header.inherited, location: list.location(of: index, in: path), condition: currentCondition)
        file.typeDeclarations.append(declaration)
        file.conformanceSites.append(.declaration(declaration))
    }

    private mutating func readExtension(at index: Int) {
        // The extended type: `Name`, `Outer.Inner`, `Array<Int>`.
        var components: [String] = []
        var hasGenericArguments = false
        var next = index + 1
        while let token = list[next], token.kind == .identifier, !Keywords.declarationStarts.contains(token.text) {
            components.append(token.bareName)
            next += 1
            if list.isPunctuation(next, "<") {
                hasGenericArguments = true
                next = indexAfterAngleBrackets(at: next)
            }
            guard list.isPunctuation(next, "."), list.isIdentifier(next + 1) else { break }
            next += 1
        }
        guard !components.isEmpty else { return }
        let header = readTypeHeader(from: next, allowsGenericParameters: false)
        let extendedName = components.joined(separator: ".")
        if let body = header.body {
            bodyOwners[body] = .extension(name: extendedName)
            let prefix = declarationPrefix(before: index)
            if prefix.access != nil || !prefix.attributes.isEmpty { extensionPrefixes[body] = (prefix.access, prefix.attributes) }
        }
        guard placement == .topLevel else { return }
        file.conformanceSites.append(.extension(ExtensionDeclaration(
            extendedName: extendedName, hasGenericArguments: hasGenericArguments,
            inherited: header.inherited, location: list.location(of: index, in: path), condition: currentCondition)))
    }

    private mutating func readImport(at index: Int) {
        let prefix = declarationPrefix(before: index)
        let line = list.tokens[index].line
        var next = index + 1
        var importsDeclaration = false
        if let kind = list[next], Keywords.importKinds.contains(kind.text), let after = list[next + 1],
           after.kind == .identifier, after.line == line {
            importsDeclaration = true
            next += 1
        }
        guard let module = list[next], module.kind == .identifier, module.line == line else { return }
        var last = next
        // The rest of the path: `.Name`, or an operator for `import func Module.+`.
        while list.isPunctuation(last + 1, "."), let component = list[last + 2], component.line == line,
              component.kind == .identifier || component.kind == .punctuation {
            last += 2
        }
        file.imports.append(ImportDeclaration(
            text: list.spelled(prefix.start..<(last + 1)), module: module.bareName,
            importsDeclaration: importsDeclaration, condition: currentCondition))
    }

    // MARK: - Pieces of declarations

    /// What follows a type's name: generic parameters, inheritance list, `where` clause, body.
    private struct TypeHeader {
        var isGeneric = false
        var inherited: [InheritedName] = []
        /// The index of the body's `{`, or nil when there is none.
        var body: Int?
    }

    private func readTypeHeader(from start: Int, allowsGenericParameters: Bool = true) -> TypeHeader {
        var header = TypeHeader()
        var index = start
        if allowsGenericParameters, list.isPunctuation(index, "<") {
            header.isGeneric = true
            index = indexAfterAngleBrackets(at: index)
        }
        if list.isPunctuation(index, ":") {
            (header.inherited, index) = readInheritanceList(from: index + 1)
        }
        if list.isWord(index, "where") {
            index += 1
            while let token = list[index], !token.isPunctuation("{"), !token.isPunctuation("}"), !token.isPunctuation(";"),
                  !endsTypeHeader(at: index) {
                index = list.indexAfterGroup(at: index) ?? index + 1
            }
        }
        if list.isPunctuation(index, "{") { header.body = index }
        return header
    }

    /// Reads `A, B.C, @unchecked Sendable, D & E` up to `where` or `{`.
    private func readInheritanceList(from start: Int) -> (names: [InheritedName], end: Int) {
        var names: [InheritedName] = []
        var entry: [Int] = []
        var angles = 0
        var index = start
        func finishEntry() {
            names += inheritedNames(in: entry)
            entry = []
        }
        while let token = list[index] {
            if token.isPunctuation("{") || token.isPunctuation("}") || token.isPunctuation(";") || endsTypeHeader(at: index)
                || (angles == 0 && token.isWord("where")) {
                break
            }
            if let after = list.indexAfterGroup(at: index) {
                index = after
                continue
            }
            if token.isPunctuation("<") { angles += 1 }
            if token.isPunctuation(">"), angles > 0 { angles -= 1 }
            if angles == 0, token.isPunctuation(",") {
                finishEntry()
            } else {
                entry.append(index)
            }
            index += 1
        }
        finishEntry()
        return (names, index)
    }

    /// The names in one inheritance entry: attributes, `~` and generic arguments dropped, a
    /// composition `A & B` split.
    private func inheritedNames(in entry: [Int]) -> [InheritedName] {
        var names: [InheritedName] = []
        var path: [String] = []
        var start: Int?
        var angles = 0
        var position = 0
        func finishName() {
            if let start, !path.isEmpty { names.append(InheritedName(path: path, location: list.location(of: start, in: self.path))) }
            path = []
            start = nil
        }
        while position < entry.count {
            let index = entry[position]
            let token = list.tokens[index]
            if token.isPunctuation("@") {
                position += 2  // the attribute and its name; arguments were skipped as a group
                continue
            }
            if token.isPunctuation("<") { angles += 1 }
            if token.isPunctuation(">"), angles > 0 { angles -= 1 }
            if angles == 0 {
                if token.isPunctuation("&") {
                    finishName()
                } else if token.kind == .identifier {
                    if start == nil { start = index }
                    path.append(token.bareName)
                }
            }
            position += 1
        }
        finishName()
        return names
    }

    /// Whether the token at `index` starts another declaration, so that a header missing its
    /// body ends there: in broken code this keeps every header short, and the walk linear.
    /// `class` is a constraint in `protocol P: class`, a declaration in `class C`.
    private func endsTypeHeader(at index: Int) -> Bool {
        guard let token = list[index], token.kind == .identifier, Keywords.declarationStarts.contains(token.text) else { return false }
        return token.text != "class" || list.isIdentifier(index + 1)
    }

    /// The index after the `>` that closes the `<` at `index`; stops early at a brace, `;` or
    /// the start of another declaration.
    private func indexAfterAngleBrackets(at index: Int) -> Int {
        list.indexAfterAngleBrackets(at: index, stops: endsTypeHeader(at:))
    }

    /// The attributes and modifiers written before the keyword at `index`: where they start,
    /// and the access level among them.
    private func declarationPrefix(before index: Int) -> (start: Int, access: AccessLevel?, modifiers: Set<String>, attributes: [String]) {
        var start = index
        var access: AccessLevel?
        var modifiers: Set<String> = []
        var attributes: [String] = []
        while true {
            let previous = start - 1
            // `.private` (an enum case, ending the expression before) is not a modifier.
            guard let token = list[previous], !list.isPunctuation(previous - 1, ".") else { break }
            if token.kind == .identifier, Keywords.declarationModifiers.contains(token.text) {
                if access == nil, let level = AccessLevel(modifier: token.text) { access = level }
                modifiers.insert(token.text)
                start = previous
            } else if token.kind == .identifier, list.isPunctuation(previous - 1, "@") {
                start = previous - 1  // an attribute without arguments
                attributes.insert(list.spelled(start..<(previous + 1)), at: 0)
            } else if token.isPunctuation(")"), let open = list.partner[previous], open < previous,
                      let name = list[open - 1], name.kind == .identifier {
                if list.isPunctuation(open - 2, "@") {
                    start = open - 2  // an attribute with arguments
                    attributes.insert(list.spelled(start..<(previous + 1)), at: 0)
                } else if Keywords.declarationModifiers.contains(name.text) {
                    start = open - 1  // `private(set)`, `nonisolated(unsafe)`: not the declaration's access
                } else {
                    break
                }
            } else {
                break
            }
        }
        return (start, access, modifiers, attributes)
    }
}
