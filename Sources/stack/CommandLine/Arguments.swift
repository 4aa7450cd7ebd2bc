/// The arguments of one command after parsing: option values, flags and positionals.
struct ParsedArguments: Sendable, Equatable {
    /// The command these arguments were parsed for (`"token create"`), for error messages.
    var command: String
    /// Options that took a value, by long name (the last occurrence wins).
    var values: [String: String] = [:]
    /// Flags that were given.
    var flags: Set<String> = []
    /// Positional arguments in order.
    var positionals: [String] = []

    /// The option's value, or `nil` when it was not given.
    func value(_ name: String) -> String? { values[name] }

    /// Whether the flag was given.
    func flag(_ name: String) -> Bool { flags.contains(name) }

    /// The option's value as an integer in `range`, or `nil` when it was not given.
    ///
    /// - Throws: a usage error naming the option when the value is not such an integer.
    func integer(_ name: String, in range: ClosedRange<Int>) throws(CLIError) -> Int? {
        guard let text = values[name] else { return nil }
        guard let number = Int(text), range.contains(number), text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-") })
        else {
            throw .usage(
                "--\(name) must be an integer from \(range.lowerBound) to \(range.upperBound), not '\(text)'",
                command: command)
        }
        return number
    }

    /// The option's value as a byte count: digits with an optional binary suffix
    /// `K`, `M` or `G` (`512K`, `100M`, `1G`), or `nil` when it was not given.
    func byteCount(_ name: String) throws(CLIError) -> Int? {
        guard let text = values[name] else { return nil }
        guard let bytes = ByteCount.parse(text) else {
            throw .usage("--\(name) must be a positive byte count such as 1048576, 512K, 100M or 1G, not '\(text)'", command: command)
        }
        return bytes
    }
}

/// Byte counts with binary suffixes, for limit options.
enum ByteCount {
    /// Parses `"1048576"`, `"512K"`, `"100M"`, `"1G"` (case-insensitive, optional `iB`/`B`); positive only.
    static func parse(_ text: String) -> Int? {
        var digits = Substring(text)
        var multiplier = 1
        let lowered = text.lowercased()
        for (suffixes, factor) in [(["kib", "kb", "k"], 1 << 10), (["mib", "mb", "m"], 1 << 20), (["gib", "gb", "g"], 1 << 30)] {
            if let suffix = suffixes.first(where: { lowered.hasSuffix($0) }) {
                digits = digits.dropLast(suffix.count)
                multiplier = factor
                break
            }
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(digits), value > 0
        else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : product
    }
}

/// What the parser found on a command line.
enum ParseOutcome: Equatable {
    /// Run the command with these arguments.
    case run(ParsedArguments)
    /// `--help` or `-h` was given: print the command's help and exit 0.
    case help
}

/// A hand-written parser for GNU-style long options.
///
/// Accepts `--name value`, `--name=value`, flags `--json`, `-h`/`--help`, positionals, and `--` to
/// end option parsing. Anything it does not know is a usage error (exit 64) naming the culprit.
enum ArgumentParser {
    static func parse(_ arguments: [String], for configuration: CommandConfiguration) throws(CLIError) -> ParseOutcome {
        let command = configuration.name
        var parsed = ParsedArguments(command: command)
        var index = 0
        var optionsEnded = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if optionsEnded || !argument.hasPrefix("-") || argument == "-" {
                parsed.positionals.append(argument)
                continue
            }
            if argument == "--" {
                optionsEnded = true
                continue
            }
            if argument == "-h" || argument == "--help" { return .help }
            guard argument.hasPrefix("--") else {
                throw .usage("unknown option '\(argument)' for 'stack \(command)'", command: command)
            }
            let body = argument.dropFirst(2)
            let name: String
            var inlineValue: String?
            if let equals = body.firstIndex(of: "=") {
                name = String(body[..<equals])
                inlineValue = String(body[body.index(after: equals)...])
            } else {
                name = String(body)
            }
            guard let option = configuration.option(named: name) else {
                throw .usage("unknown option '--\(name)' for 'stack \(command)'", command: command)
            }
            if option.isFlag {
                if inlineValue != nil {
                    throw .usage("--\(name) is a flag and takes no value", command: command)
                }
                parsed.flags.insert(name)
                continue
            }
            if let inlineValue {
                parsed.values[name] = inlineValue
            } else if index < arguments.count, !isOption(arguments[index]) {
                parsed.values[name] = arguments[index]
                index += 1
            } else {
                throw .usage("--\(name) needs a value <\(option.valueName ?? "value")>", command: command)
            }
        }
        let required = configuration.arguments.filter { !$0.isOptional }.count
        if parsed.positionals.count < required {
            let missing = configuration.arguments[parsed.positionals.count].name
            throw .usage("missing argument <\(missing)> for 'stack \(command)'", command: command)
        }
        if parsed.positionals.count > configuration.arguments.count {
            let extra = parsed.positionals[configuration.arguments.count]
            throw .usage("unexpected argument '\(extra)' for 'stack \(command)'", command: command)
        }
        return .run(parsed)
    }

    /// Whether an argument looks like an option rather than a value (`-1` is a value).
    private static func isOption(_ argument: String) -> Bool {
        argument.hasPrefix("--") || argument == "-h"
    }
}
