/// The top of the command line: finds the subcommand, parses its arguments, runs it, and maps
/// errors to exit codes (SPEC §7: errors on stderr, non-zero exit on failure).
enum CLI {
    /// The version printed by `stack --version` and served in `/.well-known/stack`.
    static let version = "0.1.0"

    /// Every command of `stack`.
    static var root: CommandGroup {
        CommandGroup(
            name: "",
            abstract: "Stack, a personal data store: one owner's records, shared with chosen people and apps.",
            entries: [
                .command(InitCommand.self),
                .command(ServeCommand.self),
                .group(
                    CommandGroup(
                        name: "token", abstract: "Manage tokens in the local data directory.",
                        entries: [
                            .command(TokenCreateCommand.self), .command(TokenListCommand.self),
                            .command(TokenRevokeCommand.self),
                        ])),
                .command(BackupCommand.self),
                .command(ExportCommand.self),
                .command(ImportCommand.self),
                .command(CheckCommand.self),
            ])
    }

    /// Runs `stack` with `arguments` (without the program name) and returns the exit code.
    static func run(_ arguments: [String]) async -> Int32 {
        do {
            try await dispatch(arguments, in: root)
            return ExitCode.success
        } catch let error as CLIError {
            Console.error("stack: error: \(error.message)")
            if let command = error.usageOf, let type = findCommand(command) {
                Console.error("usage: \(Help.usage(for: type.configuration))")
                Console.error("See 'stack \(command) --help'.")
            }
            return error.exitCode
        } catch {
            Console.error("stack: error: \(error)")
            return ExitCode.failure
        }
    }

    private static func dispatch(_ arguments: [String], in group: CommandGroup) async throws {
        let prefix = group.name.isEmpty ? "stack" : "stack \(group.name)"
        guard let first = arguments.first else {
            Console.error(Help.text(for: group), terminator: "")
            throw CLIError(message: "missing subcommand for '\(prefix)'", exitCode: ExitCode.usage, usageOf: nil)
        }
        if first == "-h" || first == "--help" || first == "help" {
            // `stack help token create` is `stack token create --help`.
            if first == "help", arguments.count > 1 {
                return try await dispatch(Array(arguments.dropFirst()) + ["--help"], in: group)
            }
            Console.output(Help.text(for: group), terminator: "")
            return
        }
        if group.name.isEmpty, first == "--version" {
            Console.output(version)
            return
        }
        guard let entry = group.entry(named: first) else {
            let kind = first.hasPrefix("-") ? "option" : "subcommand"
            throw CLIError(
                message: "unknown \(kind) '\(first)' for '\(prefix)'; see '\(prefix) --help'",
                exitCode: ExitCode.usage, usageOf: nil)
        }
        let rest = Array(arguments.dropFirst())
        switch entry {
        case .group(let child):
            try await dispatch(rest, in: child)
        case .command(let type):
            switch try ArgumentParser.parse(rest, for: type.configuration) {
            case .help:
                Console.output(Help.text(for: type.configuration), terminator: "")
            case .run(let parsed):
                try await type.init(parsed).run()
            }
        }
    }

    /// The command type whose configuration is named `name` (`"token create"`).
    static func findCommand(_ name: String) -> (any Command.Type)? {
        var group = root
        let words = name.split(separator: " ").map(String.init)
        for (position, word) in words.enumerated() {
            switch group.entry(named: word) {
            case .command(let type)? where position == words.count - 1: return type
            case .group(let child)?: group = child
            default: return nil
            }
        }
        return nil
    }
}
