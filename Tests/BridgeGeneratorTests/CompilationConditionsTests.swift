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
}
