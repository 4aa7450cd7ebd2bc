/// One `--option` a command accepts.
struct OptionDefinition: Sendable {
    /// The long name without dashes: `"port"` for `--port`.
    var name: String
    /// The placeholder shown in help for an option that takes a value (`"port"` → `<port>`);
    /// `nil` for a flag, which takes none.
    var valueName: String?
    /// One line for the help text.
    var help: String
    /// The default, shown in help.
    var defaultValue: String?
    /// The environment variable read when the option is absent, shown in help.
    var environment: String?

    /// An option that takes a value.
    static func value(
        _ name: String, _ valueName: String, help: String, default defaultValue: String? = nil,
        environment: String? = nil
    ) -> OptionDefinition {
        OptionDefinition(
            name: name, valueName: valueName, help: help, defaultValue: defaultValue, environment: environment)
    }

    /// A flag: present or absent.
    static func flag(_ name: String, help: String) -> OptionDefinition {
        OptionDefinition(name: name, valueName: nil, help: help, defaultValue: nil, environment: nil)
    }

    var isFlag: Bool { valueName == nil }
}

/// One positional argument a command accepts.
struct ArgumentDefinition: Sendable {
    var name: String
    var help: String
    var isOptional: Bool = false
}

/// What a command is called, what it accepts, and how to describe it in `--help`.
struct CommandConfiguration: Sendable {
    /// The full command path after `stack`: `"token create"`.
    var name: String
    /// One line: what the command does.
    var abstract: String
    /// Longer text printed after the option list.
    var discussion: String? = nil
    var options: [OptionDefinition] = []
    var arguments: [ArgumentDefinition] = []

    func option(named name: String) -> OptionDefinition? {
        options.first { $0.name == name }
    }
}

/// A runnable subcommand: parses its own arguments, then runs.
///
/// ```swift
/// struct Revoke: Command {
///     static var configuration: CommandConfiguration { .init(name: "token revoke", abstract: "…",
///         arguments: [.init(name: "id", help: "The token id.")]) }
///     let id: String
///     init(_ arguments: ParsedArguments) throws(CLIError) { id = arguments.positionals[0] }
///     func run() async throws { … }
/// }
/// ```
protocol Command {
    static var configuration: CommandConfiguration { get }
    /// Reads validated arguments; throws a usage error for a bad value.
    init(_ arguments: ParsedArguments) throws(CLIError)
    /// Does the work; a thrown `CLIError` chooses the exit code, any other error exits 1.
    func run() async throws
}
