/// A named set of subcommands (`stack`, `stack token`), for dispatch and help.
struct CommandGroup {
    /// One child of a group: a runnable command or a nested group.
    enum Entry {
        case command(any Command.Type)
        case group(CommandGroup)

        /// The last word of the entry's name (`"create"` for `token create`).
        var name: String {
            switch self {
            case .command(let type): String(type.configuration.name.split(separator: " ").last ?? "")
            case .group(let group): String(group.name.split(separator: " ").last ?? "")
            }
        }

        var abstract: String {
            switch self {
            case .command(let type): type.configuration.abstract
            case .group(let group): group.abstract
            }
        }
    }

    /// The command path after `stack` (`""` for the root, `"token"`).
    var name: String
    var abstract: String
    var entries: [Entry]

    func entry(named name: String) -> Entry? {
        entries.first { $0.name == name }
    }
}
