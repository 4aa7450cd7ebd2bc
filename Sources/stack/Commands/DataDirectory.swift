import Foundation

/// Where a command finds the stack: `--data`, else `STACK_DATA`, else `./data` (SPEC §7).
enum DataDirectory {
    /// The `--data` option every local command accepts.
    static let option = OptionDefinition.value(
        "data", "dir", help: "The data directory.", default: "./data", environment: "STACK_DATA")

    /// The directory the arguments and environment choose.
    static func resolve(_ arguments: ParsedArguments, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> String
    {
        if let value = arguments.value("data") { return value }
        if let value = environment["STACK_DATA"], !value.isEmpty { return value }
        return "./data"
    }
}
