import Foundation
import Testing
@testable import BridgeGeneratorCore

/// What the compiler itself says about generated code: its errors land on the user's code.
///
/// Each test type-checks generated code with `swiftc` against the `Bridge` module that the
/// same build made, found beside the test binary; without it (a build of this test target
/// alone) the tests are skipped, not passed.
@Suite(.enabled(if: BridgeModule.found != nil, "the Bridge module is built with all targets: swift build --build-tests"))
struct CompilerDiagnosticTests {
    /// A type that is not `Codable` is an error on the requirement's own line.
    @Test func aTypeThatIsNotCodableIsAnErrorOnTheRequirement() async throws {
        let source = """
            import Bridge

            struct Opaque: Sendable {}

            protocol Loader: Bridged {
                func load(_ request: Opaque) async throws -> Int
                func make() throws -> Opaque
            }

            final class LocalLoader: Loader {
                init() {}
                func load(_ request: Opaque) async throws -> Int { 1 }
                func make() throws -> Opaque { Opaque() }
            }
            """
        let errors = try await typeCheck(source, generated: true)
        #expect(!errors.isEmpty)
        for error in errors {
            #expect(error.hasPrefix("Loader.swift:6:") || error.hasPrefix("Loader.swift:7:"), "\(error)")
        }
        #expect(errors.contains { $0.hasPrefix("Loader.swift:6:") && $0.contains("'Opaque' conform to 'Encodable'") })
        #expect(errors.contains { $0.hasPrefix("Loader.swift:7:") && $0.contains("'Opaque' conform to 'Decodable'") })
    }

    /// Without the plugin, `withBridge` names the plugin and how to add it.
    @Test func withBridgeWithoutThePluginNamesThePlugin() async throws {
        let source = """
            import Bridge

            protocol Greeter: Bridged {
                func greet(_ name: String) async throws -> String
            }

            final class LocalGreeter: Greeter {
                init() {}
                func greet(_ name: String) async throws -> String { "hi \\(name)" }
            }

            func greet() async throws -> String {
                try await withBridge(LocalGreeter.self) { greeter in try await greeter.greet("ann") }
            }
            """
        let errors = try await typeCheck(source, generated: false)
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("Loader.swift:13:") ?? false, "\(errors)")
        #expect(errors.first?.contains("the BridgeGen plugin did not run for its target (add 'plugins: [.plugin(name: \"BridgeGen\", package: \"swift-process-bridge\")]'") ?? false)
        // With the generated code, the same source compiles.
        #expect(try await typeCheck(source, generated: true) == [])
    }

    /// The `error:` lines `swiftc -typecheck` prints for `source` as `Loader.swift`, with the
    /// generator's output beside it when `generated`, paths relative to their directory.
    private func typeCheck(_ source: String, generated: Bool) async throws -> [String] {
        let module = try #require(BridgeModule.found)
        let directory = try TemporaryDirectory()
        let sourceURL = directory.url.appendingPathComponent("Loader.swift")
        try source.write(to: sourceURL, atomically: true, encoding: .utf8)
        var inputs = ["Loader.swift"]
        if generated {
            let (output, diagnostics) = Generator.generate(files: [("Loader.swift", source)], module: "Demo")
            #expect(!diagnostics.contains { $0.severity == .error }, "\(diagnostics)")
            try output.write(to: directory.url.appendingPathComponent("BridgeGenerated.swift"), atomically: true, encoding: .utf8)
            inputs.append("BridgeGenerated.swift")
        }
        let arguments = ["swiftc", "-typecheck", "-module-name", "Demo", "-I", module.modules,
                         "-Xcc", "-fmodule-map-file=\(module.cModuleMap)", "-I", module.cHeaders] + inputs
        let output = try await compilerOutput(arguments, in: directory.url)
        return output.split(separator: "\n").map(String.init).filter { line in
            !line.hasPrefix(" ") && line.contains(": error: ")
        }
    }

    /// Runs the compiler and returns what it wrote to standard error. On a thread of its own:
    /// a compiler run takes seconds, and the tests running beside this one need the
    /// concurrency pool's few threads (two on a 2-core machine) meanwhile.
    private func compilerOutput(_ arguments: [String], in directory: URL) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                    process.currentDirectoryURL = directory
                    process.arguments = arguments
                    let pipe = Pipe()
                    process.standardError = pipe
                    process.standardOutput = FileHandle.nullDevice
                    try process.run()
                    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                    process.waitUntilExit()
                    return output
                })
            }.start()
        }
    }
}

/// Where the build that made this test binary put the `Bridge` module and its C module.
struct BridgeModule {
    var modules: String
    var cModuleMap: String
    var cHeaders: String

    /// Found beside the test binary (`.build/<triple>/debug/*.xctest`), or nil.
    static let found: BridgeModule? = {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = executable.deletingLastPathComponent()
        // On Linux the binary is the .xctest itself; on macOS it is inside the .xctest bundle.
        while !directory.path.isEmpty, directory.path != "/",
              !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Modules/Bridge.swiftmodule").path) {
            directory = directory.deletingLastPathComponent()
        }
        let module = BridgeModule(
            modules: directory.appendingPathComponent("Modules").path,
            cModuleMap: directory.appendingPathComponent("CBridge.build/module.modulemap").path,
            cHeaders: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/CBridge/include").standardized.path)
        let paths = [module.modules + "/Bridge.swiftmodule", module.cModuleMap, module.cHeaders]
        return paths.allSatisfy { FileManager.default.fileExists(atPath: $0) } ? module : nil
    }()
}
