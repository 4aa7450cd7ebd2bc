/// `stack import FILE`: load an export into an empty stack (SPEC §7).
struct ImportCommand: Command {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "import", abstract: "Load an export into an empty stack.",
            discussion: """
                The data directory must hold no stack, or one just made by 'stack init' (only its owner entity,
                built-in types and tokens, which the import replaces). Refuses a stack with data. Ids, versions,
                times, grants, associations, attachments and tokens come back as exported; tokens keep their
                secrets. All or nothing: a failed import changes nothing. Stop the server first.
                """,
            options: [DataDirectory.option],
            arguments: [ArgumentDefinition(name: "file", help: "A file written by 'stack export'.")])
    }

    let file: String
    let dataDirectory: String

    init(_ arguments: ParsedArguments) throws(CLIError) {
        file = arguments.positionals[0]
        guard !file.isEmpty else { throw .usage("FILE must not be empty", command: Self.configuration.name) }
        dataDirectory = DataDirectory.resolve(arguments)
    }

    func run() async throws {
        let summary = try await Engine.importStack(from: file, dataDirectory: dataDirectory)
        Console.output("Imported \(summary.description) into \(dataDirectory).")
    }
}
