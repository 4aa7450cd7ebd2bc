/// `stack export [--out FILE]`: everything in the stack as JSON Lines (SPEC §7; the format is in
/// docs/OPERATIONS.md).
struct ExportCommand: Command {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "export", abstract: "Write everything in the stack to a portable file.",
            discussion: """
                Writes JSON Lines: a header, then types, blobs (base64), attachments, records with all their
                versions and grants, associations and tokens (metadata and hashes, never secrets), then an end line.
                The file lets imported tokens keep working: keep it as private as the data directory.
                Safe while the server runs (one consistent snapshot).
                """,
            options: [DataDirectory.option, .value("out", "file", help: "Where to write; stdout by default.")])
    }

    let out: String?
    let dataDirectory: String

    init(_ arguments: ParsedArguments) throws(CLIError) {
        out = arguments.value("out")
        if let out, out.isEmpty { throw .usage("--out needs a file name", command: Self.configuration.name) }
        dataDirectory = DataDirectory.resolve(arguments)
    }

    func run() async throws {
        let summary = try await Engine.export(dataDirectory: dataDirectory, to: out == "-" ? nil : out)
        // With stdout holding the export, the summary goes to stderr.
        if let out, out != "-" {
            Console.output("Exported \(summary.description) to \(out).")
        } else {
            Console.error("stack: exported \(summary.description)")
        }
    }
}
