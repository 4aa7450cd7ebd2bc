/// `stack backup DEST`: a consistent copy of the database and blobs, even while the server runs
/// (SPEC §7).
struct BackupCommand: Command {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "backup", abstract: "Copy the database and blobs consistently, even while the server runs.",
            discussion: """
                DEST must not exist, or be an empty directory. The database is copied from one snapshot; the blobs
                its attachments refer to are hard-linked into DEST (copied when DEST is on another file system).
                The copy is itself a data directory: 'stack serve --data DEST' opens it.
                """,
            options: [DataDirectory.option],
            arguments: [ArgumentDefinition(name: "dest", help: "The directory to write the backup to.")])
    }

    let destination: String
    let dataDirectory: String

    init(_ arguments: ParsedArguments) throws(CLIError) {
        destination = arguments.positionals[0]
        guard !destination.isEmpty else { throw .usage("DEST must not be empty", command: Self.configuration.name) }
        dataDirectory = DataDirectory.resolve(arguments)
    }

    func run() async throws {
        let summary = try await Engine.backup(dataDirectory: dataDirectory, to: destination)
        Console.output(
            "Backed up \(dataDirectory) to \(destination): \(summary.attachments) attachments, "
                + "\(summary.blobs) blobs (\(summary.blobBytes) bytes).")
    }
}
