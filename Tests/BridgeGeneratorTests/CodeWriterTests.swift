import Testing
@testable import BridgeGeneratorCore

/// The writer the emitter writes through: indentation, blocks, `#if` and `#sourceLocation`.
@Suite struct CodeWriterTests {
    @Test func blocksIndentAndEmptyLinesCarryNoSpaces() {
        var writer = CodeWriter()
        writer.block("struct A {") { writer in
            writer.line("let a = 1")
            writer.line("")
            writer.block("var list = [", closer: "]") { writer in writer.line("1,") }
        }
        #expect(writer.text == "struct A {\n    let a = 1\n\n    var list = [\n        1,\n    ]\n}\n")
    }

    @Test func conditionsWrapOnlyWhenThereIsOne() {
        var writer = CodeWriter()
        writer.indented { writer in
            writer.conditional(nil) { writer in writer.line("always()") }
            writer.conditional("os(Linux)") { writer in writer.line("linux()") }
        }
        #expect(writer.text == "    always()\n    #if os(Linux)\n    linux()\n    #endif\n")
    }

    @Test func sourceLocationsNameTheFileAndALineNeverBelowOne() {
        var writer = CodeWriter()
        writer.sourceLocation(SourceLocation(path: #"Sources/A "quoted".swift"#, line: 7, column: 5), linesBefore: 2)
        writer.sourceLocation(SourceLocation(path: "B.swift", line: 1, column: 1), linesBefore: 3)
        writer.endSourceLocation()
        #expect(writer.text == #"""
            #sourceLocation(file: "Sources/A \"quoted\".swift", line: 5)
            #sourceLocation(file: "B.swift", line: 1)
            #sourceLocation()

            """#)
    }
}
