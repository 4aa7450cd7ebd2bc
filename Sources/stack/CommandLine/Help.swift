/// Formats `--help` text and usage lines from a command's configuration.
enum Help {
    /// The one-line usage: `stack token create [--owner] [--name <name>] …`.
    static func usage(for configuration: CommandConfiguration) -> String {
        var parts = ["stack", configuration.name]
        // Long option lists read better in the OPTIONS section than on one line.
        if configuration.options.count > 7 {
            parts.append("[options]")
        } else {
            for option in configuration.options {
                parts.append(option.isFlag ? "[--\(option.name)]" : "[--\(option.name) <\(option.valueName!)>]")
            }
        }
        for argument in configuration.arguments {
            parts.append(argument.isOptional ? "[<\(argument.name)>]" : "<\(argument.name)>")
        }
        return parts.joined(separator: " ")
    }

    /// The full help text of a command.
    static func text(for configuration: CommandConfiguration) -> String {
        var lines = ["OVERVIEW: \(configuration.abstract)", "", "USAGE: \(usage(for: configuration))"]
        if !configuration.arguments.isEmpty {
            lines += ["", "ARGUMENTS:"]
            for argument in configuration.arguments {
                lines.append(row("<\(argument.name)>", argument.help))
              }
        }
        lines += ["", "OPTIONS:"]
        for option in configuration.options {
            let left = option.isFlag ? "--\(option.name)" : "--\(option.name) <\(option.valueName!)>"
            var help = option.help
            if let environment = option.environment { help += " (env: \(environment))" }
            if let defaultValue = option.defaultValue { help += " (default: \(defaultValue))" }
            lines.append(row(left, help))
        }
        lines.append(row("-h, --help", "Show help information."))
        if let discussion = configuration.discussion {
            lines += ["", discussion]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Help for a command group such as `stack` or `stack token`.
    static func text(for group: CommandGroup) -> String {
        let prefix = group.name.isEmpty ? "stack" : "stack \(group.name)"
        var lines = ["OVERVIEW: \(group.abstract)", "", "USAGE: \(prefix) <subcommand> [options]", "", "SUBCOMMANDS:"]
        for entry in group.entries {
            lines.append(row(entry.name, entry.abstract))
        }
        lines += ["", "See '\(prefix) <subcommand> --help' for the options of each."]
        if group.name.isEmpty {
            lines += ["", "The data directory is --data, else $STACK_DATA, else ./data."]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func row(_ left: String, _ right: String) -> String {
        let padded = left.count < 28 ? left + String(repeating: " ", count: 28 - left.count) : left + "  "
        return "  " + padded + right
    }
}
