import Testing
@testable import BridgeGeneratorCore

/// When two declarations of one name can never be compiled together.
@Suite struct CompilationConditionsTests {
    @Test func negationsAreComplementaryAsWritten() {
        #expect(CompilationConditions.areComplementary("os(Linux)", "!os(Linux)"))
        #expect(CompilationConditions.areComplementary("!(os(Linux))", "os(Linux)"))
        #expect(CompilationConditions.areComplementary("canImport(Darwin) && DEBUG", "!(canImport(Darwin)&&DEBUG)"))
        // `!A && B` is not the negation of `A && B`, and nothing is compared by meaning.
        #expect(!CompilationConditions.areComplementary("A && B", "!A && B"))
        #expect(!CompilationConditions.areComplementary("os(Linux)", "os(macOS)"))
        #expect(!CompilationConditions.areComplementary("os(Linux)", nil))
    }

    @Test func branchesOfOneIfExcludeEachOtherAndNestedOnesDoNot() {
        var conditions = CompilationConditions()
        conditions.apply("#if", condition: "A")
        let first = conditions.branches
        conditions.apply("#if", condition: "B")
        let nested = conditions.branches
        conditions.apply("#endif", condition: "")
        conditions.apply("#elseif", condition: "C")
        let second = conditions.branches
        conditions.apply("#else", condition: "")
        let third = conditions.branches
        #expect(ConditionalBranch.excludeEachOther(first, second))
        #expect(ConditionalBranch.excludeEachOther(second, third))
        #expect(ConditionalBranch.excludeEachOther(nested, third))
        #expect(!ConditionalBranch.excludeEachOther(first, nested))
        #expect(!ConditionalBranch.excludeEachOther(first, []))
    }

    /// `#if` and `#elseif` take the rest of their line as the condition, up to the limit;
    /// other `#` words are left to the caller.
    @Test func directivesAreReadFromTokens() {
        let list = TokenList(Scanner.tokens(of: "#if os(Linux) && DEBUG\nlet a = 1\n#elseif\n#warning(\"w\")\n#else\n#endif"))
        func index(of text: String) -> Int { list.tokens.firstIndex { $0.text == text }! }
        var conditions = CompilationConditions()
        #expect(conditions.applyDirective(at: 0, in: list) == index(of: "let"))
        #expect(conditions.current == "os(Linux) && DEBUG")
        #expect(conditions.applyDirective(at: index(of: "#elseif"), in: list) == index(of: "#warning"))
        #expect(conditions.current == "!(os(Linux) && DEBUG) && (false)")
        #expect(conditions.applyDirective(at: index(of: "#warning"), in: list) == nil)
        #expect(conditions.applyDirective(at: index(of: "#else"), in: list) == index(of: "#endif"))
        #expect(conditions.current == "!(os(Linux) && DEBUG) && !(false)")
        #expect(conditions.applyDirective(at: index(of: "#endif"), in: list) == list.count)
        #expect(conditions.current == nil)

        var limited = CompilationConditions()
        #expect(limited.applyDirective(at: 0, in: list, limit: 3) == 3)
        #expect(limited.current == "os(")
    }
}
