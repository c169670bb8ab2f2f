import Testing
@testable import BridgeGeneratorCore

/// The scanner reads literals and comments whole, so nothing in them is ever taken for code.
@Suite struct ScannerTests {
    /// The tokens that are neither comments nor whitespace, as (kind, text).
    private func significant(_ source: String) -> [(Token.Kind, String)] {
        Scanner.tokens(of: source).filter { !$0.isComment }.map { ($0.kind, $0.text) }
    }

    private func texts(_ source: String) -> [String] {
        significant(source).map(\.1)
    }

    @Test func commentsAreNotCode() {
        let source = """
            // protocol X: Bridged {
            /* protocol Y: Bridged { func f() } */
            /// protocol Z: Bridged {
            /** { */
            let a = 1
            """
        let tokens = Scanner.tokens(of: source)
        #expect(tokens.map(\.kind) == [.comment, .comment, .docComment, .docComment, .identifier, .identifier, .punctuation, .number])
        #expect(texts(source) == ["let", "a", "=", "1"])
    }

    @Test func blockCommentsNest() {
        let source = "/* outer /* inner */ still protocol P: Bridged { */ x"
        let tokens = Scanner.tokens(of: source)
        #expect(tokens.count == 2)
        #expect(tokens[0].kind == .comment)
        #expect(tokens[1].text == "x")
    }

    @Test func stringsWithBracesAndQuotes() {
        let source = #"let s = "a { \" } protocol X: Bridged { b" ; t"#
        #expect(texts(source) == ["let", "s", "=", #""a { \" } protocol X: Bridged { b""#, ";", "t"])
        #expect(significant(source)[3].0 == .string)
    }

    @Test func rawStrings() {
        let source = ###"x = #"a "quoted" \n \( { "# + ##"b "# still"##"###
        let tokens = significant(source)
        #expect(tokens.map(\.1) == ["x", "=", ##"#"a "quoted" \n \( { "#"##, "+", ###"##"b "# still"##"###])
        #expect(tokens[2].0 == .string)
        #expect(tokens[4].0 == .string)
    }

    @Test func rawStringInterpolation() {
        let source = ##"#"value: \#(f("}")) done"# end"##
        #expect(texts(source) == [##"#"value: \#(f("}")) done"#"##, "end"])
    }

    @Test func multiLineStrings() {
        let source = #"""
            let s = """
                line { with " and "" quotes
                protocol X: Bridged {
                """
            let t = 2
            """#
        let tokens = significant(source)
        #expect(tokens.map(\.1).filter { !$0.hasPrefix("\"") } == ["let", "s", "=", "let", "t", "=", "2"])
        #expect(tokens[3].0 == .string)
        #expect(tokens[3].1.hasSuffix("\"\"\""))
    }

    @Test func interpolationWithNestedStrings() {
        // The outer interpolation holds string b, whose own interpolation holds `"c)" + ")"`.
        let source = #"s = "a \("b \("c)" + ")") end b") d" ; next"#
        let tokens = significant(source)
        #expect(tokens.map(\.1) == ["s", "=", #""a \("b \("c)" + ")") end b") d""#, ";", "next"])
        #expect(tokens[2].0 == .string)
    }

    @Test func interpolationWithCommentsAndParentheses() {
        let source = #"s = "\( (1 + (2)) /* ) " */ )" x"#
        #expect(texts(source) == ["s", "=", #""\( (1 + (2)) /* ) " */ )""#, "x"])
    }

    @Test func positionsAreOneBasedLinesAndUTF8Columns() {
        let source = "let é = 1\n\tfunc f() {\r\n  \"s\"\n}"
        let tokens = Scanner.tokens(of: source)
        let positions = tokens.map { "\($0.text)@\($0.line):\($0.column)" }
        #expect(positions == [
            "let@1:1", "é@1:5", "=@1:8", "1@1:10",
            "func@2:2", "f@2:7", "(@2:8", ")@2:9", "{@2:11",
            "\"s\"@3:3",
            "}@4:1",
        ])
    }

    @Test func positionsAfterMultiLineLiteralsAndComments() throws {
        let source = "/* a\nb */ x\n\"\"\"\none\n\"\"\" y"
        let tokens = Scanner.tokens(of: source)
        let x = try #require(tokens.first { $0.text == "x" })
        let y = try #require(tokens.first { $0.text == "y" })
        #expect((x.line, x.column) == (2, 6))
        #expect((y.line, y.column) == (5, 5))
    }

    @Test func punctuationAndNames() {
        let source = "func `default`(_ x: [Int]...) -> Dictionary<String,Array<Int>>? { $0 }"
        #expect(texts(source) == [
            "func", "`default`", "(", "_", "x", ":", "[", "Int", "]", "...", ")", "->",
            "Dictionary", "<", "String", ",", "Array", "<", "Int", ">", ">", "?", "{", "$0", "}",
        ])
    }

    @Test func directivesAndAttributes() {
        let tokens = significant("#if os(Linux)\n@available(macOS 10, *) #endif")
        #expect(tokens.map(\.1) == ["#if", "os", "(", "Linux", ")", "@", "available", "(", "macOS", "10", ",", "*", ")", "#endif"])
        #expect(tokens[0].0 == .poundKeyword)
        #expect(tokens[13].0 == .poundKeyword)
    }

    @Test func regexLiteralsAreReadWhole() {
        #expect(texts(#"let r = /a"b{/ ; x"#) == ["let", "r", "=", #"/a"b{/"#, ";", "x"])
        #expect(texts(#"let r = #/a"b/#"#).last == #"#/a"b/#"#)
        // Division is not a regex.
        #expect(texts("let q = a / b / c") == ["let", "q", "=", "a", "/", "b", "/", "c"])
    }

    @Test func unterminatedStringEndsAtItsLine() {
        let tokens = Scanner.tokens(of: "let s = \"open { \nprotocol P: Bridged {}")
        #expect(tokens[3].kind == .invalid("unterminated string literal"))
        #expect(tokens[4].text == "protocol")
        #expect(tokens[4].line == 2)
    }

    @Test func unterminatedCommentAndJunkEndTheFile() {
        let comment = Scanner.tokens(of: "x /* never closed { ")
        #expect(comment.count == 2)
        #expect(comment[1].kind == .invalid("unterminated block comment"))

        let junk = Scanner.tokens(of: String(decoding: [0x00, 0xFF, 0x27, 0x60, 0x41], as: UTF8.self))
        #expect(!junk.isEmpty)
        #expect(junk.contains { if case .invalid = $0.kind { true } else { false } })
    }

    @Test func hostileNestingDoesNotExhaustTheStack() {
        let deep = String(repeating: #""\("#, count: 20_000)
        let tokens = Scanner.tokens(of: deep + "\nafter")
        #expect(tokens.count == 1)
        #expect(tokens[0].kind == .invalid("string literal nested too deeply"))
    }
}
