import Testing
@testable import BridgeGeneratorCore

/// A name written inside types is looked up from the innermost scope outwards.
@Suite struct ScopedNameTests {
    @Test func candidatesRunFromTheInnermostScopeToTheTopLevel() {
        let name = ScopedName(["P"], in: ["Outer", "Inner"], module: "App")
        #expect(Array(name.candidates) == ["Outer.Inner.P", "Outer.P", "P"])
        #expect(name.lookUp(in: ["P": 1, "Outer.P": 2]) == 2)
        #expect(name.lookUp(in: ["Other": 1]) == nil)
    }

    @Test func theTargetsOwnModuleIsDroppedFromAQualifiedNameOnly() {
        #expect(ScopedName(["App", "P"], in: [], module: "App").path == ["P"])
        #expect(ScopedName(["App"], in: [], module: "App").path == ["App"])
        #expect(ScopedName(["Other", "P"], in: [], module: "App").path == ["Other", "P"])
        #expect(ScopedName(["App", "P"], in: [], module: nil).path == ["App", "P"])
    }
}
