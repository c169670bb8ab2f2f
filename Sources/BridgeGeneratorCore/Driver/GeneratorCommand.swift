import Foundation

/// The command line around `Generator`:
/// `BridgeGenerator --output <file.swift> [--module <Name>] <input.swift>...`
public struct GeneratorCommand: Equatable, Sendable {
    var outputPath: String
    var moduleName: String?
    var inputPaths: [String]

    static let usage = "usage: BridgeGenerator --output <file.swift> [--module <Name>] <input.swift>..."

    /// Reads the arguments (without the program name), or says what is wrong with them.
    static func parse(_ arguments: [String]) -> Result<GeneratorCommand, UsageError> {
        var outputPath: String?
        var moduleName: String?
        var inputPaths: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "--output", "--module":
                guard index + 1 < arguments.count else { return .failure(UsageError(message: "\(argument) needs a value")) }
                if argument == "--output" { outputPath = arguments[index + 1] } else { moduleName = arguments[index + 1] }
                index += 2
                continue
            case "--":
                inputPaths += arguments[(index + 1)...]
                index = arguments.count
                continue
            case _ where argument.hasPrefix("--"):
                return .failure(UsageError(message: "unknown option \(argument)"))
            default:
                inputPaths.append(argument)
            }
            index += 1
        }
        guard let outputPath else { return .failure(UsageError(message: "--output is required")) }
        return .success(GeneratorCommand(outputPath: outputPath, moduleName: moduleName, inputPaths: inputPaths))
    }

    /// A command line that cannot be run.
    struct UsageError: Error, Equatable, Sendable {
        var message: String
    }

    /// Runs the generator as the executable does and returns its exit status: 0 when the output
    /// is up to date, 1 when an input has errors (nothing is written then), 2 for a wrong
    /// command line. Each diagnostic line goes to `report`.
    public static func run(arguments: [String], report: (String) -> Void) -> Int32 {
        let command: GeneratorCommand
        switch parse(arguments) {
        case .success(let parsed):
            command = parsed
        case .failure(let error):
            report("error: \(error.message)\n\(usage)")
            return 2
        }
        return command.run(report: report)
    }

    func run(report: (String) -> Void) -> Int32 {
        var files: [(path: String, text: String)] = []
        var unreadable = false
        for path in Set(inputPaths).sorted() {
            guard let data = FileManager.default.contents(atPath: path) else {
                report("\(path): error: cannot read this input file")
                unreadable = true
                continue
            }
            files.append((path, String(decoding: data, as: UTF8.self)))
        }
        guard !unreadable else { return 1 }

        let (output, diagnostics) = Generator.generate(files: files, module: moduleName)
        for diagnostic in diagnostics { report(diagnostic.description) }
        guard !diagnostics.contains(where: { $0.severity == .error }) else { return 1 }

        do {
            try writeIfChanged(Data(output.utf8), to: outputPath)
        } catch {
            report("\(outputPath): error: cannot write the generated file: \(error)")
            return 1
        }
        return 0
    }

    /// An unchanged file keeps its modification date, so the build system recompiles nothing.
    private func writeIfChanged(_ data: Data, to path: String) throws {
        if FileManager.default.contents(atPath: path) == data { return }
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
