import Foundation
import PackagePlugin

/// Build-tool plugin that embeds the built-in type definitions of the top-level `types/` folder
/// into the target it is applied to (StackStore), so the program finds them from any working
/// directory while the JSON files stay the single source (SPEC §1 "Built-in types ship as JSON
/// files in the repository's `types/` folder"; issue 4 item 3).
///
/// Every `types/*.json` and the folder itself are declared as inputs, so editing, adding or
/// removing a file re-runs the generator, which lists the folder itself.
@main
struct EmbedBuiltInTypes: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) async throws -> [Command] {
        let typesDirectory = context.package.directoryURL.appending(path: "types")
        let inputs = try FileManager.default
            .contentsOfDirectory(at: typesDirectory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "BuiltInTypes+Embedded.swift")
        return [
            .buildCommand(
                displayName: "Embedding the built-in type definitions into \(target.name)",
                executable: try context.tool(named: "EmbedTypesTool").url,
                arguments: [output.path, typesDirectory.path],
                // The folder too: adding or removing a file changes it, which re-runs the tool.
                inputFiles: inputs + [typesDirectory],
                outputFiles: [output]
            )
        ]
    }
}
