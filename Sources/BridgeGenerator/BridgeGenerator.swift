import BridgeGeneratorCore
import Foundation

/// The `BridgeGenerator` executable that the `BridgeGen` plugin runs. All the work is in
/// `BridgeGeneratorCore`, which the tests call directly.
@main
struct BridgeGenerator {
    static func main() {
        let status = GeneratorCommand.run(arguments: Array(CommandLine.arguments.dropFirst())) { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        exit(status)
    }
}
