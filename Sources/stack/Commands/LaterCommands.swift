/// Commands of SPEC §7 whose work comes in a later issue: they parse their arguments and help
/// already, and fail with exit 1 and a clear message when run.
protocol NotYetImplementedCommand: Command {
    init()
}

extension NotYetImplementedCommand {
    init(_ arguments: ParsedArguments) throws(CLIError) { self.init() }

    func run() async throws {
        throw CLIError.failure("'stack \(Self.configuration.name)' is not implemented yet")
    }
}

/// `stack backup DEST`.
struct BackupCommand: NotYetImplementedCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "backup", abstract: "Copy the database and blobs consistently, even while the server runs.",
            options: [DataDirectory.option],
            arguments: [ArgumentDefinition(name: "dest", help: "The directory to write the backup to.")])
    }
}

/// `stack export [--out FILE]`.
struct ExportCommand: NotYetImplementedCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "export", abstract: "Write everything in the stack to a portable file.",
            options: [DataDirectory.option, .value("out", "file", help: "Where to write; stdout by default.")])
    }
}

/// `stack import FILE`.
struct ImportCommand: NotYetImplementedCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "import", abstract: "Load an export into an empty stack.",
            options: [DataDirectory.option],
            arguments: [ArgumentDefinition(name: "file", help: "A file written by 'stack export'.")])
    }
}

/// `stack check`.
struct CheckCommand: NotYetImplementedCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "check", abstract: "Verify database integrity and every blob's hash.",
            options: [DataDirectory.option])
    }
}
