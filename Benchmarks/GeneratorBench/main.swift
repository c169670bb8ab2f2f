import BridgeGeneratorCore
import Foundation

// Times the generator over a synthetic target of 200 source files, as the BridgeGen plugin
// runs it: read every file, find the bridged protocols, write the generated file.
//
//     swift run -c release generator-bench

let fileCount = 200
let bridgedEvery = 10  // one file in ten declares a bridged protocol and its real type
let rounds = 20

/// Ordinary code of the kind a target is mostly made of: types, generics, closures, string
/// literals of every kind and comments, none of it bridged.
func ordinaryFile(_ number: Int) -> String {
    var text = "import Foundation\n\n/// Helpers, part \(number).\n"
    for part in 0..<12 {
        text += """
            struct Model\(number)_\(part): Codable, Hashable, Sendable {
                var id: Int
                var name: String = "model { \(part) }"
                var tags: [String: [Int?]] = [:]
                // A comment that mentions protocol Fake: Bridged { func f() }
                func render<T: CustomStringConvertible>(_ value: T, with options: [String] = []) -> String {
                    let raw = #"raw "\(part)" \\(not interpolated)"#
                    return options.map { "\\($0): \\(value) \\(raw)" }.joined(separator: ", ")
                }
                /* a block /* nested */ comment */
                static func make(_ count: Int) -> [Self] {
                    (0..<count).map { Self(id: $0, name: \"\"\"
                        multi-line \\($0)
                        \"\"\") }
                }
            }

            extension Model\(number)_\(part) {
                var summary: String { "\\(id) \\(name)" }
            }

            enum Choice\(number)_\(part) { case a, b(Int), c(label: String) }


            """
    }
    return text
}

/// A bridged protocol with a dozen requirements of different shapes, and its real type.
func bridgedFile(_ number: Int) -> String {
    var text = "import Foundation\nimport Bridge\n\nstruct Payload\(number): Codable, Sendable { var value: [String: Int] }\n\n"
    text += "protocol Service\(number): Bridged, Sendable {\n"
    var implementations = ""
    for requirement in 0..<12 {
        switch requirement % 4 {
        case 0:
            text += "    func fetch\(requirement)(_ key: String, limit: Int?) async throws -> [Payload\(number)]\n"
            implementations += "    func fetch\(requirement)(_ key: String, limit: Int?) async throws -> [Payload\(number)] { [] }\n"
        case 1:
            text += "    @discardableResult\n    func store\(requirement)(_ payload: Payload\(number), at date: Date) throws -> Bool\n"
            implementations += "    func store\(requirement)(_ payload: Payload\(number), at date: Date) throws -> Bool { true }\n"
        case 2:
            text += "    func pair\(requirement)(_ pair: (Int, String)) async throws -> (count: Int, text: String)\n"
            implementations += "    func pair\(requirement)(_ pair: (Int, String)) async throws -> (count: Int, text: String) { pair }\n"
        default:
            text += "    var state\(requirement): [String] { get async throws }\n"
            implementations += "    var state\(requirement): [String] { get async throws { [] } }\n"
        }
    }
    text += "}\n\nfinal class LocalService\(number): Service\(number) {\n    init() {}\n\(implementations)}\n\n"
    return text + ordinaryFile(number)
}

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("generator-bench-\(getpid())")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }

var inputs: [String] = []
var totalBytes = 0
for number in 0..<fileCount {
    let text = number % bridgedEvery == 0 ? bridgedFile(number) : ordinaryFile(number)
    let path = directory.appendingPathComponent("File\(number).swift").path
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    inputs.append(path)
    totalBytes += text.utf8.count
}
let output = directory.appendingPathComponent("BridgeGenerated.swift").path
let arguments = ["--output", output, "--module", "Bench"] + inputs

func run() -> Duration {
    let clock = ContinuousClock()
    var status: Int32 = 0
    let elapsed = clock.measure {
        status = GeneratorCommand.run(arguments: arguments) { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    }
    guard status == 0 else { fatalError("the generator failed with status \(status)") }
    return elapsed
}

let first = run()  // writes the output
let times = (0..<rounds).map { _ in run() }.sorted()  // output unchanged: read and compare only
let generated = (try? Data(contentsOf: URL(fileURLWithPath: output)).count) ?? 0
func milliseconds(_ duration: Duration) -> String {
    let (seconds, attoseconds) = duration.components
    return String(format: "%.1f ms", Double(seconds) * 1e3 + Double(attoseconds) / 1e15)
}
print("generator over \(fileCount) files (\(totalBytes / 1024) KiB, \(fileCount / bridgedEvery) bridged protocols) -> \(generated / 1024) KiB")
print("first run (writes the output): \(milliseconds(first))")
print("median of \(rounds) runs (output unchanged): \(milliseconds(times[rounds / 2])), fastest \(milliseconds(times[0]))")
