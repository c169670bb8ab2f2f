import Foundation
import PackagePlugin

/// Runs `BridgeGenerator` over a target's Swift sources before the target compiles, so that
/// each bridged protocol gets its typed client and host dispatch table, and each real type its
/// link to the client.
@main
struct BridgeGen: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        guard let module = target as? SourceModuleTarget else { return [] }
        let inputs = module.sourceFiles(withSuffix: "swift").map(\.url)
        // Declared even when no source has a bridged protocol: the build system expects every
        // declared output, and the generator then writes just a header comment.
        let output = context.pluginWorkDirectoryURL.appending(path: "BridgeGenerated.swift")
        let generator = try context.tool(named: "BridgeGenerator")
        return [
            .buildCommand(
                displayName: "Generating bridge clients for \(target.name)",
                executable: generator.url,
                // The module name, not the target name: they differ for `isolate-cwd`, and the
                // generator uses it to drop a file's import of its own module.
                arguments: ["--output", output.path(percentEncoded: false), "--module", module.moduleName]
                    + inputs.map { $0.path(percentEncoded: false) },
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}
