import Foundation
import Testing
@testable import BridgeGeneratorCore

/// Every problem of every bridged protocol is reported, each at its requirement's own place,
/// naming the rule; nothing outside bridged protocols is reported.
@Suite struct DiagnosticTests {
    static let workerLines = [
        "import Foundation",
        "",
        "protocol Worker: Bridged {",
        "    func plain()",
        "    func generic<T: Codable>(_ value: T) async throws",
        "    func swap(_ value: inout Int) throws",
        "    func each(_ body: @escaping (Int) -> Void) async throws",
        "    var title: String { get set }",
        "    static func make() async throws -> Int",
        "    associatedtype Element",
        "    func any(_ value: any Codable) async throws",
        "    func some() async throws -> some Codable",
        "    subscript(index: Int) -> Int { get throws }",
        "    init(name: String) throws",
        "    mutating func reset() throws",
        "    func retry(_ body: () throws -> Void) rethrows",
        "    var size: Int { get }",
        "  @discardableResult func typed() throws(CancellationError) -> Int",
        "    func ok() async throws",
        "    func many(_ xs: Int...) async throws",
        "    class func shared() async throws",
        "    func mapped(_ f: [(Int) -> Int]) async throws",
        "}",
    ]

    /// (line, column, a phrase that names the rule) for each expected error, in order.
    static let expectedWorkerErrors: [(Int, Int, String)] = [
        (4, 5, "'plain' must be 'throws' or 'async throws'"),
        (5, 5, "'generic' is generic"),
        (6, 5, "parameter 'value' of 'swap' is 'inout'"),
        (7, 5, "parameter 'body' of 'each' is a closure: closures cannot cross a process boundary"),
        (8, 5, "property 'title' is settable"),
        (9, 5, "'make' is 'static'"),
        (10, 5, "associated type 'Element'"),
        (11, 5, "parameter 'value' of 'any' has the type 'any Codable': existential and opaque types cannot be bridged"),
        (12, 5, "the result of 'some' has the type 'some Codable': existential and opaque types cannot be bridged"),
        (13, 5, "subscripts cannot be bridged"),
        (14, 5, "initializers cannot be bridged"),
        (15, 5, "'reset' is 'mutating'"),
        (16, 5, "parameter 'body' of 'retry' is a closure"),
        (16, 5, "'retry' is 'rethrows'"),
        (17, 5, "'size' must be 'throws' or 'async throws'"),
        (18, 22, "'typed' uses typed throws"),
        (20, 5, "parameter 'xs' of 'many' is variadic ('Int...'): the host decodes the values as an array, and Swift cannot pass an array on to a variadic parameter. Take an array, '[Int]', instead."),
        (21, 5, "'shared' is 'class'"),
        (22, 5, "parameter 'f' of 'mapped' is a closure"),
    ]

    @Test func everyBadRequirementIsReportedAtItsPosition() {
        let source = Self.workerLines.joined(separator: "\n")
        let (output, diagnostics) = Generator.generate(files: [("Sources/Demo/Worker.swift", source)])
        #expect(output.isEmpty)
        #expect(diagnostics.allSatisfy { $0.severity == .error && $0.location.path == "Sources/Demo/Worker.swift" })
        let found = diagnostics.map { ($0.location.line, $0.location.column, $0.message) }
        #expect(found.count == Self.expectedWorkerErrors.count, "\(diagnostics.map(\.description).joined(separator: "\n"))")
        for (actual, expected) in zip(found, Self.expectedWorkerErrors) {
            #expect(actual.0 == expected.0 && actual.1 == expected.1, "\(actual.2) at \(actual.0):\(actual.1), expected \(expected.0):\(expected.1)")
            #expect(actual.2.contains(expected.2), "\(actual.2) does not contain \(expected.2)")
        }
    }

    @Test func messagesNameTheRuleAndTheFix() {
        let source = Self.workerLines.joined(separator: "\n")
        let messages = Generator.generate(files: [("Worker.swift", source)]).diagnostics.map(\.description)
        #expect(messages.contains(
            "Worker.swift:4:5: error: 'plain' must be 'throws' or 'async throws': a bridged call can always fail, because the host process can die. Add 'throws' after the parameter list: 'func plain() throws'."))
        #expect(messages.contains(
            "Worker.swift:11:5: error: parameter 'value' of 'any' has the type 'any Codable': existential and opaque types cannot be bridged; use a concrete Codable type."))
    }

    @Test func problemsOfAllFilesInOneRunSortedByFileAndPosition() {
        let first = """
            protocol A: Bridged {
                func a()
            }
            """
        let second = """
            fileprivate protocol B: Bridged {
                func b() async throws
                var c: Int { get async }
            }
            """
        // Given in reverse order: files are processed in sorted path order.
        let diagnostics = Generator.generate(files: [("z/B.swift", second), ("a/A.swift", first)]).diagnostics
        #expect(diagnostics.map { "\($0.location.path):\($0.location.line):\($0.location.column)" } == [
            "a/A.swift:2:5", "z/B.swift:1:13", "z/B.swift:3:5",
        ])
        #expect(diagnostics[1].message == "bridged protocol 'B' is fileprivate: a bridged protocol must be at least internal, because the generated client lives in another file.")
    }

    @Test func badCodeOutsideBridgedProtocolsIsNotReported() {
        let source = """
            protocol NotBridged {
                func plain()
                func generic<T>(_ value: inout T)
                var settable: Int { get set }
                static func make() -> Self
            }
            struct Box<T> {
                func broken(_ x: @escaping () -> Void) -> some Sequence { [1] }
                let s = "unterminated {
                let t = "protocol Fake: Bridged { func f() }"
            }
            // protocol Commented: Bridged { func f() }
            func f(
            """
        let (output, diagnostics) = Generator.generate(files: [("Other.swift", source)])
        #expect(diagnostics.isEmpty)
        #expect(output == Emitter.header)
    }

    @Test func protocolLevelProblems() {
        let source = """
            enum Namespace {
                protocol Inner: Bridged { func f() async throws }
            }
            protocol Bound: AnyObject, Bridged { func f() async throws }
            protocol Primary<Element>: Bridged { func f() async throws }
            protocol Parent: Bridged { func f() async throws }
            protocol Child: Parent, Bridged { func g() async throws }
            protocol Other: Bridged, CustomStringConvertible, Sendable { func h() async throws }
            """
        let diagnostics = Generator.generate(files: [("P.swift", source)]).diagnostics.map(\.description)
        #expect(diagnostics == [
            "P.swift:4:17: error: bridged protocol 'Bound' is class-bound ('AnyObject'): its generated client is a struct. Remove 'AnyObject'.",
            "P.swift:5:1: error: bridged protocol 'Primary' has primary associated types: its client must be one concrete type. Remove the '<...>' after its name.",
            "P.swift:8:26: warning: bridged protocol 'Other' also inherits 'CustomStringConvertible', which is not a bridged protocol of this target: the generated 'OtherClient' implements only the bridged requirements BridgeGen sees here, so it compiles only if 'CustomStringConvertible' needs nothing more. Make 'CustomStringConvertible' bridged to have its requirements called in the host; if it is a bridged protocol of another target, whose requirements BridgeGen cannot see from this one, declare 'Other' in that target.",
        ])
    }

    @Test func nonSendableCallbacksTypedThrowsAndTuplesInsideTypesAreRefused() {
        let source = """
            protocol Listener: Bridged { func heard(_ text: String) async throws }
            struct Failure: Error {}
            protocol Speaker: Bridged {
                func subscribe(_ listener: any Listener) async throws
                func typed() throws(Failure) -> Int
                func never() throws(Never)
                func pairs(_ list: [(Int, Int)]) async throws
                func maybe() async throws -> (Int, Int)?
                func take(_ text: consuming String) async throws
                var fine: Int { get throws(Swift.Error) }
            }
            private enum Hidden {
                protocol Inner: Bridged { func f() async throws }
            }
            """
        let diagnostics = Generator.generate(files: [("S.swift", source)]).diagnostics.map(\.description)
        #expect(diagnostics == [
            "S.swift:4:5: error: parameter 'listener' of 'subscribe' has the type 'any Listener', but 'Listener' is not Sendable: the host calls a callback object from another thread while the caller's code runs. Declare it 'protocol Listener: Bridged, Sendable'.",
            "S.swift:5:5: error: 'typed' uses typed throws 'throws(Failure)': every bridged call can also fail with a 'BridgeError' when the host process dies, which 'Failure' cannot carry. Use plain 'throws'; a Codable error still arrives as itself.",
            "S.swift:6:5: error: 'never' must be 'throws' or 'async throws': a bridged call can always fail, because the host process can die. Write 'throws' instead of 'throws(Never)'.",
            "S.swift:7:5: error: parameter 'list' of 'pairs' has the type '[(Int, Int)]', with the tuple '(Int, Int)' inside it: tuples are not Codable, so a bridge carries one only as a whole parameter or result (or inside such a tuple). Use a Codable struct instead.",
            "S.swift:8:5: error: the result of 'maybe' has the type '(Int, Int)?', with the tuple '(Int, Int)' inside it: tuples are not Codable, so a bridge carries one only as a whole parameter or result (or inside such a tuple). Use a Codable struct instead.",
            "S.swift:9:5: warning: parameter 'text' of 'take' is 'consuming', which means nothing across a process boundary: the host always gets its own decoded copy. Remove 'consuming'.",
            "S.swift:13:5: error: bridged protocol 'Hidden.Inner' is inside a type that is private: a bridged protocol must be at least internal, because the generated client lives in another file.",
        ])
    }

    @Test func duplicateProtocolNamesAreAnErrorUnlessEachIsInItsOwnBranchOfOneIf() {
        let source = """
            protocol Twice: Bridged { func f() async throws }
            #if os(Linux)
            protocol Twice: Bridged { func f() throws }
            #endif
            """
        let other = """
            #if !os(Linux)
            protocol Twice: Bridged { func g() throws }
            #endif
            """
        let diagnostics = Generator.generate(files: [("T.swift", source), ("U.swift", other)]).diagnostics.map(\.description)
        #expect(diagnostics == [
            "T.swift:3:1: error: bridged protocol 'Twice' is declared more than once (also at T.swift:1:1). Declare it once, or once in each branch of one '#if ... #else ... #endif', or under '#if X' and '#if !X': the generator then generates each declaration under its own condition.",
            "U.swift:2:1: error: bridged protocol 'Twice' is declared more than once (also at T.swift:1:1). Declare it once, or once in each branch of one '#if ... #else ... #endif', or under '#if X' and '#if !X': the generator then generates each declaration under its own condition.",
        ])
    }

    @Test func realTypesThatCannotBeLinkedGetWarnings() {
        let source = """
            protocol Pinger: Bridged { func ping() async throws }
            protocol Ponger: Bridged { func pong() async throws }
            struct Generic<T>: Pinger { func ping() async throws {} }
            private struct Hidden: Pinger { func ping() async throws {} }
            public struct TooVisible: Pinger { public init() {}; func ping() async throws {} }
            final class Both: Pinger, Ponger { func ping() async throws {}; func pong() async throws {} }
            enum Outer { struct Inner: Pinger { func ping() async throws {} } }
            func local() { struct Local: Pinger { func ping() async throws {} } }
            struct ByHand: Pinger, BridgeHostable { typealias BridgeClient = PingerClient; func ping() async throws {} }
            extension Array<Int>: Pinger { func ping() async throws {} }
            """
        let (output, diagnostics) = Generator.generate(files: [("R.swift", source)])
        #expect(diagnostics.map(\.description) == [
            "R.swift:3:1: warning: 'Generic' conforms to the bridged protocol 'Pinger', but generic types cannot be started by a bridge; skipped.",
            "R.swift:4:9: warning: 'Hidden' is private: the generated code in another file cannot see it, so it is not linked to 'PingerClient'; skipped. Make it at least internal.",
            "R.swift:5:8: warning: 'TooVisible' is more visible than the bridged protocol 'Pinger': linking it would need 'PingerClient' to be as visible as 'TooVisible'; skipped. Give 'Pinger' at least the access level of 'TooVisible'.",
            "R.swift:6:27: warning: 'Both' conforms to two bridged protocols, 'Pinger' and 'Ponger': a host serves its object through one client, so it is linked to 'PingerClient' only. To serve both, declare a bridged protocol that inherits both and conform to it.",
            "R.swift:8:16: warning: 'Local' is declared inside a function: a bridge cannot start a local type; skipped.",
            "R.swift:10:1: warning: 'Array' conforms to the bridged protocol 'Pinger', but generic types cannot be started by a bridge; skipped.",
        ])
        #expect(output.hasSuffix("""
            // MARK: - Real types

            nonisolated extension Both: BridgeHostable {
                typealias BridgeClient = PingerClient
            }

            nonisolated extension Outer.Inner: BridgeHostable {
                typealias BridgeClient = PingerClient
            }

            """))
    }

    @Test func aClientTheTargetDeclaresItselfWins() {
        let protocolFile = """
            protocol Sandbox: Bridged { func ping() async throws }
            final class LocalSandbox: Sandbox { func ping() async throws {} }
            """
        // Written by hand before the generator existed: generating a second one would collide.
        let handWritten = """
            struct SandboxClient: Sandbox, _BridgeClient { func ping() async throws {} }
            extension LocalSandbox: BridgeHostable { typealias BridgeClient = SandboxClient }
            """
        let (output, diagnostics) = Generator.generate(files: [("Sandbox.swift", protocolFile), ("HandWritten.swift", handWritten)])
        #expect(output == Emitter.header)
        #expect(diagnostics.map(\.description) == [
            "Sandbox.swift:1:1: warning: 'SandboxClient' is already declared at HandWritten.swift:1:1, so nothing is generated for the bridged protocol 'Sandbox'; remove that declaration to use the generated client.",
        ])
    }

    @Test func commandLineReportsEveryErrorAndWritesNothing() throws {
        let directory = try TemporaryDirectory()
        let worker = directory.url.appendingPathComponent("Worker.swift").path
        let clean = directory.url.appendingPathComponent("Clean.swift").path
        let output = directory.url.appendingPathComponent("Generated.swift").path
        try Self.workerLines.joined(separator: "\n").write(toFile: worker, atomically: true, encoding: .utf8)
        try "protocol Clean: Bridged { func f() async throws }".write(toFile: clean, atomically: true, encoding: .utf8)
        var lines: [String] = []
        let status = GeneratorCommand.run(arguments: ["--output", output, "--module", "Demo", worker, clean]) { lines.append($0) }
        #expect(status == 1)
        #expect(!FileManager.default.fileExists(atPath: output))
        #expect(lines.count == Self.expectedWorkerErrors.count)
        #expect(lines.first == "\(worker):4:5: error: 'plain' must be 'throws' or 'async throws': a bridged call can always fail, because the host process can die. Add 'throws' after the parameter list: 'func plain() throws'.")
        #expect(lines.allSatisfy { $0.hasPrefix(worker + ":") && $0.contains(": error: ") })
    }

    @Test func warningsDoNotFailTheRun() throws {
        let directory = try TemporaryDirectory()
        let input = directory.url.appendingPathComponent("Input.swift").path
        let output = directory.url.appendingPathComponent("Generated.swift").path
        try "protocol P: Bridged { func f() async throws }\nstruct G<T>: P { func f() async throws {} }".write(toFile: input, atomically: true, encoding: .utf8)
        var lines: [String] = []
        let status = GeneratorCommand.run(arguments: ["--output", output, input]) { lines.append($0) }
        #expect(status == 0)
        #expect(lines == ["\(input):2:1: warning: 'G' conforms to the bridged protocol 'P', but generic types cannot be started by a bridge; skipped."])
        #expect(FileManager.default.fileExists(atPath: output))
    }

    @Test func wrongCommandLines() {
        #expect(GeneratorCommand.parse(["a.swift"]) == .failure(.init(message: "--output is required")))
        #expect(GeneratorCommand.parse(["--output"]) == .failure(.init(message: "--output needs a value")))
        #expect(GeneratorCommand.parse(["--outptu", "x"]) == .failure(.init(message: "unknown option --outptu")))
        #expect(GeneratorCommand.parse(["--output", "o.swift", "--module", "M", "a.swift", "b.swift"])
            == .success(GeneratorCommand(outputPath: "o.swift", moduleName: "M", inputPaths: ["a.swift", "b.swift"])))
        var lines: [String] = []
        #expect(GeneratorCommand.run(arguments: []) { lines.append($0) } == 2)
        #expect(lines.first == "error: --output is required\n\(GeneratorCommand.usage)")
    }

    @Test func unreadableInputIsAnError() throws {
        let directory = try TemporaryDirectory()
        let output = directory.url.appendingPathComponent("Generated.swift").path
        let missing = directory.url.appendingPathComponent("Missing.swift").path
        var lines: [String] = []
        #expect(GeneratorCommand.run(arguments: ["--output", output, missing]) { lines.append($0) } == 1)
        #expect(lines == ["\(missing): error: cannot read this input file"])
        #expect(!FileManager.default.fileExists(atPath: output))
    }
}
