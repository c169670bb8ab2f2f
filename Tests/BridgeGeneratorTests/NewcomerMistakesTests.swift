import Testing
@testable import BridgeGeneratorCore

/// Mistakes a new user makes, reported where they are made rather than inside the generated
/// file: a real type that a host cannot create with `init()`.
@Suite struct NewcomerMistakesTests {
    static let greeter = """
        protocol Greeter: Bridged { func greet(_ name: String) async throws -> String }
        """

    /// The errors `source` gets, beside the protocol above.
    private func errors(_ source: String) -> [String] {
        Generator.generate(files: [("Greeter.swift", Self.greeter), ("Local.swift", source)]).diagnostics
            .filter { $0.severity == .error }.map(\.description)
    }

    @Test func aRealTypeWithoutInitIsAnErrorAtTheType() {
        let source = """
            struct StoredGreeter: Greeter {
                let prefix: String
                func greet(_ name: String) async throws -> String { prefix + name }
            }
            final class ArgumentGreeter: Greeter {
                private let prefix: String
                init(prefix: String) { self.prefix = prefix }
                func greet(_ name: String) async throws -> String { prefix + name }
            }
            enum CaseGreeter: Greeter {
                case loud
                func greet(_ name: String) async throws -> String { name }
            }
            struct HiddenGreeter: Greeter {
                private init() {}
                func greet(_ name: String) async throws -> String { name }
            }
            struct DefaultedGreeter: Greeter {
                init(prefix: String = "") {}
                func greet(_ name: String) async throws -> String { name }
            }
            """
        let configurable = "or conform to 'BridgeConfigurable' to be created from a configuration that 'start' passes."
        #expect(errors(source) == [
            "Local.swift:1:1: error: 'StoredGreeter' conforms to the bridged protocol 'Greeter' but has no 'init()', and a bridge's host creates the real object with 'init()': its stored property 'prefix' has no default value, so the implicit initializer needs an argument for it. Add 'init()', \(configurable)",
            "Local.swift:5:7: error: 'ArgumentGreeter' conforms to the bridged protocol 'Greeter' but has no 'init()', and a bridge's host creates the real object with 'init()': its initializers all take arguments (default values do not make one 'init()'), and declaring them takes the implicit 'init()' away. Add 'init()', \(configurable)",
            "Local.swift:10:1: error: 'CaseGreeter' conforms to the bridged protocol 'Greeter' but has no 'init()', and a bridge's host creates the real object with 'init()': an enum has no 'init()' unless it declares one. Add 'init()', \(configurable)",
            "Local.swift:14:1: error: 'HiddenGreeter' conforms to the bridged protocol 'Greeter' but its 'init()' is private, and a bridge's host creates the real object with 'init()': the conformance in the generated file cannot call it. Make 'init()' at least internal, \(configurable)",
            "Local.swift:18:1: error: 'DefaultedGreeter' conforms to the bridged protocol 'Greeter' but has no 'init()', and a bridge's host creates the real object with 'init()': its initializers all take arguments (default values do not make one 'init()'), and declaring them takes the implicit 'init()' away. Add 'init()', \(configurable)",
        ])
    }

    /// `@MainActor` on a bridged protocol or requirement is an error at its line, not a
    /// conformance error inside the generated file (found by a new user's trial).
    @Test func mainActorIsolationIsAnErrorWhereItIsWritten() {
        let source = """
            @MainActor protocol Painter: Bridged {
                func paint() async throws -> Int
            }
            protocol Runner: Bridged {
                @MainActor func run() async throws -> Int
                func walk() async throws -> Int
            }
            """
        let found = Generator.generate(files: [("Isolated.swift", source)]).diagnostics
            .filter { $0.severity == .error }.map(\.description)
        #expect(found.count == 2, "\(found)")
        #expect(found.contains { $0.hasPrefix("Isolated.swift:1:") && $0.contains("bridged protocol 'Painter' is '@MainActor'") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("Isolated.swift:5:") && $0.contains("'run' is '@MainActor'") && $0.contains("Remove '@MainActor'") }, "\(found)")
    }

    @Test func typesThatHaveInitOrDoNotNeedItAreLinked() {
        let source = """
            struct Defaults: Greeter {
                var prefix = "hi "
                var suffix: String?
                var computed: Int { 1 }
                var observed: Int = 0 { didSet {} }
                static let shared: String
                func greet(_ name: String) async throws -> String { name }
            }
            struct Extended: Greeter {
                let prefix: String
                func greet(_ name: String) async throws -> String { name }
            }
            extension Extended { init() { prefix = "" } }
            final class Convenient: Greeter {
                var prefix = ""
                convenience init(prefix: String) { self.init(); self.prefix = prefix }
                func greet(_ name: String) async throws -> String { name }
            }
            final class Configured: Greeter, BridgeConfigurable {
                init(configuration: String) {}
                func greet(_ name: String) async throws -> String { name }
            }
            @MemberwiseInit struct FromMacro: Greeter {
                let prefix: String
                func greet(_ name: String) async throws -> String { name }
            }
            struct Wrapped: Greeter {
                @Clamped var level: Int
                func greet(_ name: String) async throws -> String { name }
            }
            struct DottedDefault: Greeter {
                var scope: Scope = .private
                init() {}
                func greet(_ name: String) async throws -> String { name }
            }
            final class Unwrapped: Greeter {
                var window: Window!
                func greet(_ name: String) async throws -> String { name }
            }
            """
        #expect(errors(source) == [])
        let output = Generator.generate(files: [("Greeter.swift", Self.greeter), ("Local.swift", source)]).output
        for name in ["Defaults", "Extended", "Convenient", "FromMacro", "Wrapped", "DottedDefault", "Unwrapped"] {
            #expect(output.contains("extension \(name): BridgeHostable {"), "\(name)")
        }
        #expect(output.contains("extension Configured {"))
    }
}

/// A real type declared once in each branch of an `#if` is linked under whichever branch the
/// compiler takes, not only the first.
@Suite struct RealTypeTwinTests {
    @Test func aRealTypeDeclaredInEachBranchIsLinkedInEach() {
        let source = """
            protocol Clock: Bridged { func now() async throws -> Double }
            #if os(Linux)
            final class LocalClock: Clock {
                init() {}
                func now() async throws -> Double { 1 }
            }
            #else
            final class LocalClock: Clock {
                init() {}
                func now() async throws -> Double { 2 }
            }
            #endif
            """
        let (output, diagnostics) = Generator.generate(files: [("Clock.swift", source)])
        #expect(!diagnostics.contains { $0.severity == .error }, "\(diagnostics)")
        // Linked once, under a condition that holds in either branch, or always.
        let links = output.components(separatedBy: "extension LocalClock: BridgeHostable {").count - 1
        #expect(links == 1, "\(output)")
        #expect(!output.contains("#if os(Linux)\nextension LocalClock: BridgeHostable"), "linked under the first branch only:\n\(output)")
    }
}
