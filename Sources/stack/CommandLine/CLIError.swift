/// A command-line failure: what to print on stderr and which exit code to end with.
///
/// Exit codes follow `sysexits.h`: 64 (`EX_USAGE`) when the command line itself is wrong, so a
/// script can tell a typo from a failed operation; 1 for every runtime failure.
struct CLIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, one line, without secrets or stack traces.
    var message: String
    /// The process exit code.
    var exitCode: Int32
    /// The command whose usage line is printed after a usage error (`"token create"`), if any.
    var usageOf: String?

    /// The command line could not be understood (exit 64).
    static func usage(_ message: String, command: String? = nil) -> CLIError {
        CLIError(message: message, exitCode: ExitCode.usage, usageOf: command)
    }

    /// The command was understood but could not be carried out (exit 1).
    static func failure(_ message: String) -> CLIError {
        CLIError(message: message, exitCode: ExitCode.failure, usageOf: nil)
    }

    var description: String { message }
}

/// The process exit codes of `stack`.
enum ExitCode {
    static let success: Int32 = 0
    static let failure: Int32 = 1
    /// `EX_USAGE` from sysexits.h.
    static let usage: Int32 = 64
}
