import Testing
@testable import BridgeGeneratorCore

/// The generator never crashes or hangs, whatever it reads: a few thousand mutated and
/// truncated sources from a fixed seed, and hand-made hostile ones. The tests finishing is the
/// proof of termination; the checks make sure that the results still make sense.
@Suite struct RobustnessTests {
    /// SplitMix64: a small generator whose sequence is the same on every run and platform.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var value = state
            value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
            value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
            return value ^ (value >> 31)
        }
    }

    static let seedSources: [String] = [
        GoldenTests.sandboxSource,
        GoldenTests.storeSource,
        GoldenTests.memoryStoreSource,
        GoldenTests.servicesSource,
        GoldenTests.toolSource,
        AcceptedConstructsGoldenTests.nestedSource,
        AcceptedConstructsGoldenTests.chainSource,
        AcceptedConstructsGoldenTests.shapesSource,
        CallbacksAndStreamsGoldenTests.callbacksSource,
        CallbacksAndStreamsGoldenTests.streamsSource,
        DiagnosticTests.workerLines.joined(separator: "\n"),
        ##"""
        let s = "a \("b \("c")" + ")") d" + #"raw "\#(x)" "# + """
            multi { "line"
            """
        let r = /a"b/ ; let q = #/x/#
        /* nested /* comment */ protocol X: Bridged { */
        #if os(Linux)
        import Glibc
        #else
        import Darwin
        #endif
        protocol Y: Bridged { func `default`(for: Int) async throws -> [String: Int?] }
        """##,
    ]

    /// Pieces that break literals, comments, brackets and declarations when inserted anywhere.
    static let textFragments: [String] = [
        "{", "}", "(", ")", "[", "]", "<", ">", "\"", "\"\"\"", "#\"", "\"#", "\\(", "\\#(", "/*", "*/",
        "//", "\n", "`", "/", "#", "#if", "#endif", "@", "->", "...", ":", ",", "=", ";",
        "protocol P: Bridged {", "func", "var", "throws", "async", "extension", "import", "class C: P",
        "struct", "inout", "some", "<T>", "{ get set }",
    ]
    static let fragments: [[UInt8]] = textFragments.map { Array($0.utf8) } + [[0x00], [0xFF], [0xC3], [0xE2, 0x82], [0x0D]]

    static func mutate(_ source: [UInt8], using generator: inout SeededGenerator) -> [UInt8] {
        var bytes = source
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0...bytes.count, using: &generator)
            switch Int.random(in: 0..<7, using: &generator) {
            case 0:  // truncate
                bytes.removeSubrange(position...)
            case 1:  // delete a range
                let end = min(bytes.count, position + Int.random(in: 1...40, using: &generator))
                if position < end { bytes.removeSubrange(position..<end) }
            case 2:  // insert a fragment
                bytes.insert(contentsOf: fragments.randomElement(using: &generator) ?? [], at: position)
            case 3:  // duplicate a range
                let end = min(bytes.count, position + Int.random(in: 1...80, using: &generator))
                if position < end { bytes.insert(contentsOf: bytes[position..<end], at: position) }
            case 4:  // shuffle the words of a stretch: tokens in the wrong order, brackets unbalanced
                let end = min(bytes.count, position + Int.random(in: 2...200, using: &generator))
                guard position < end else { break }
                var words = bytes[position..<end].split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
                words.shuffle(using: &generator)
                bytes.replaceSubrange(position..<end, with: Array(words.joined(separator: [UInt8(ascii: " ")])))
            case 5:  // a run of binary junk
                let junk = (0..<Int.random(in: 1...64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
                bytes.insert(contentsOf: junk, at: position)
            default:  // overwrite a byte with anything
                if position < bytes.count { bytes[position] = UInt8.random(in: 0...255, using: &generator) }
            }
        }
        return bytes
    }

    /// What must hold for any input; returns whether the input had errors.
    @discardableResult
    static func checkResult(of text: String, path: String) -> Bool {
        let lineCount = text.utf8.reduce(1) { $0 + ($1 == UInt8(ascii: "\n") || $1 == UInt8(ascii: "\r") ? 1 : 0) }
        let (output, diagnostics) = Generator.generate(files: [(path, text)], module: "Demo")
        for diagnostic in diagnostics {
            #expect(diagnostic.location.path == path)
            #expect(diagnostic.location.line >= 1 && diagnostic.location.line <= lineCount)
            #expect(diagnostic.location.column >= 1)
            #expect(!diagnostic.message.isEmpty)
        }
        let hasErrors = diagnostics.contains { $0.severity == .error }
        #expect(output.isEmpty == hasErrors)
        if !hasErrors { #expect(output.hasPrefix(Emitter.header)) }

        var end = 0
        for token in Scanner.tokens(of: text) {
            #expect(token.start >= end && token.end > token.start, "tokens overlap or are empty")
            #expect(token.line >= 1 && token.column >= 1)
            end = token.end
        }
        #expect(end <= text.utf8.count)
        return hasErrors
    }

    /// A few thousand mutants: truncated, cut, spliced with fragments, duplicated stretches,
    /// shuffled words, binary junk.
    @Test func mutatedSourcesNeverCrashOrHang() {
        var generator = SeededGenerator(state: 0x00B1_D6E5_2026)
        var outcomes: [Bool] = []
        for round in 0..<3_000 {
            let source = Self.seedSources[round % Self.seedSources.count]
            let mutant = String(decoding: Self.mutate(Array(source.utf8), using: &generator), as: UTF8.self)
            outcomes.append(Self.checkResult(of: mutant, path: "Mutant\(round).swift"))
        }
        // The mutations must exercise both outcomes, or the test proves little.
        #expect(outcomes.contains(true) && outcomes.contains(false))
    }

    @Test func everyPrefixOfTheSpecExample() {
        let bytes = Array(GoldenTests.sandboxSource.utf8)
        for length in stride(from: 0, through: bytes.count, by: 3) {
            Self.checkResult(of: String(decoding: bytes[..<length], as: UTF8.self), path: "Prefix.swift")
        }
    }

    /// Inputs built to defeat a naive scanner or parser: deep nesting, unclosed everything,
    /// long runs that a quadratic loop would choke on.
    static let hostileInputs: [(name: String, source: String)] = {
        var inputs: [(name: String, source: String)] = []
        func add(_ name: String, _ source: String) { inputs.append((name, source)) }
        add("deep parentheses", String(repeating: "(", count: 60_000) + String(repeating: "]", count: 60_000))
        add("deep braces", String(repeating: "{", count: 60_000))
        add("unclosed bridged protocols", String(repeating: "protocol P: Bridged {\n", count: 5_000))
        add("nested bridged protocols",
            String(repeating: "protocol P: Bridged {\n", count: 2_000) + String(repeating: "}\n", count: 2_000))
        add("unclosed generics", "protocol P: Bridged {\n" + String(repeating: "func f<", count: 20_000) + "\n}")
        add("unclosed headers",
            String(repeating: "struct S<T: P where ", count: 10_000) + String(repeating: "class C: class C: ", count: 10_000))
        add("nested interpolations", String(repeating: #""\("#, count: 30_000))
        add("nested comments", String(repeating: "/*", count: 60_000))
        add("hashes", String(repeating: "#", count: 120_000) + String(repeating: #"\(#"#, count: 10_000))
        add("regex-like line", "x = " + String(repeating: "(/[", count: 40_000))
        add("nested conditions", String(repeating: "#if A\nimport M\n", count: 5_000))
        add("long callback name", "protocol P: Bridged, Sendable {\n func f(_ x: any " + String(repeating: "any.", count: 30_000) + "P) async throws\n}")
        add("nested streams",
            "protocol P: Bridged {\n func f() async throws -> " + String(repeating: "AsyncThrowingStream<", count: 20_000)
                + "Int" + String(repeating: ", any Error>", count: 20_000) + "\n}")
        add("modifiers", String(repeating: "public final ", count: 20_000) + "class C: P {}")
        let noise: [UInt8] = (0..<200_000).map { (value: Int) -> UInt8 in UInt8(truncatingIfNeeded: (value &* 2_654_435_761) >> 7) }
        add("binary", String(decoding: noise, as: UTF8.self))
        return inputs
    }()

    @Test(arguments: 0..<hostileInputs.count)
    func hostileInputsTerminate(case index: Int) {
        let input = Self.hostileInputs[index]
        Self.checkResult(of: input.source, path: "\(input.name).swift")
    }
}
