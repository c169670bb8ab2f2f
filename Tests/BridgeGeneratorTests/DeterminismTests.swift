import Foundation
import Testing
@testable import BridgeGeneratorCore

/// The same input gives the same bytes, and an up-to-date output file is left untouched, so
/// that a build with no source change recompiles nothing.
@Suite struct DeterminismTests {
    static let files: [(path: String, text: String)] = [
        ("Sources/Demo/Store.swift", GoldenTests.storeSource),
        ("Sources/Demo/MemoryStore.swift", GoldenTests.memoryStoreSource),
        ("Sources/Demo/Services.swift", GoldenTests.servicesSource),
        ("Sources/Demo/Sandbox.swift", GoldenTests.sandboxSource),
    ]

    @Test func sameInputSameBytesWhateverTheFileOrder() {
        let first = Generator.generate(files: Self.files, module: "Demo")
        let second = Generator.generate(files: Self.files, module: "Demo")
        let reversed = Generator.generate(files: Self.files.reversed(), module: "Demo")
        #expect(!first.output.isEmpty)
        #expect(first.output == second.output)
        #expect(first.output == reversed.output)
        #expect(first.diagnostics == reversed.diagnostics)
        // Files are processed in sorted path order, whatever order they are given in.
        let sections = first.output.split(separator: "\n").filter { $0.hasPrefix("// MARK: - ") }
        // Sorted paths: MemoryStore, Sandbox, Services, Store.
        #expect(sections == ["// MARK: - Sandbox", "// MARK: - Clock", "// MARK: - Counter", "// MARK: - Store", "// MARK: - Real types"])
    }

    @Test func unchangedOutputIsNotRewritten() throws {
        let directory = try TemporaryDirectory()
        let fileManager = FileManager.default
        var inputs: [String] = []
        for (path, text) in Self.files {
            let url = directory.url.appendingPathComponent((path as NSString).lastPathComponent)
            try text.write(to: url, atomically: true, encoding: .utf8)
            inputs.append(url.path)
        }
        let output = directory.url.appendingPathComponent("BridgeGenerated.swift").path
        let arguments = ["--output", output, "--module", "Demo"] + inputs
        var lines: [String] = []
        #expect(GeneratorCommand.run(arguments: arguments) { lines.append($0) } == 0)
        let written = try #require(fileManager.contents(atPath: output))
        #expect(written == Data(Generator.generate(files: inputs.map { ($0, try! String(contentsOfFile: $0, encoding: .utf8)) }, module: "Demo").output.utf8))

        // Date the file in the past: a rewrite, atomic or in place, would change its date.
        let past = Date(timeIntervalSince1970: 1_000_000_000)
        try fileManager.setAttributes([.modificationDate: past], ofItemAtPath: output)
        let inode = try #require(try fileManager.attributesOfItem(atPath: output)[.systemFileNumber] as? UInt64)

        #expect(GeneratorCommand.run(arguments: arguments) { lines.append($0) } == 0)
        let attributes = try fileManager.attributesOfItem(atPath: output)
        #expect(attributes[.modificationDate] as? Date == past)
        #expect(attributes[.systemFileNumber] as? UInt64 == inode)
        #expect(fileManager.contents(atPath: output) == written)

        // The control: a changed input does rewrite it.
        try (GoldenTests.storeSource + "\nprotocol Extra: Bridged { func f() async throws }\n")
            .write(toFile: inputs[0], atomically: true, encoding: .utf8)
        #expect(GeneratorCommand.run(arguments: arguments) { lines.append($0) } == 0)
        #expect(try fileManager.attributesOfItem(atPath: output)[.modificationDate] as? Date != past)
        #expect(try #require(fileManager.contents(atPath: output)) != written)
    }

    @Test func signaturesFollowTheWireRules() {
        let source = """
            protocol Wire: Bridged {
                func a(_ x: [ String : [ Int ? ] ], label y: Swift.Int,  _ : Dictionary < String , Int >) async throws -> ( )
                func b() throws -> Void
                func c(`for` value: `Type`) async throws -> Optional<Int>
                var d: [Int] { get throws }
            }
            """
        let (output, diagnostics) = Generator.generate(files: [("W.swift", source)])
        #expect(diagnostics.isEmpty)
        #expect(output.contains("""
                    "a(_:[String:[Int?]],label:Swift.Int,_:Dictionary<String,Int>) async throws",
                    "b() throws",
                    "c(for:Type) async throws -> Optional<Int>",
                    "var d:[Int] throws",
            """))
        // Swift code keeps the user's spelling, one space where there was any.
        #expect(output.contains("func a(_ x: [ String : [ Int ? ] ], label y: Swift.Int, _ argument2: Dictionary < String , Int >) async throws {"))
    }
}
