import StackJSON

/// `stack init`: create a stack in the data directory and print its owner token once (SPEC §7).
struct InitCommand: Command {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "init",
            abstract: "Create a stack in the data directory and print an owner token once.",
            discussion: """
                Creates the database, the blob folder, the built-in types and the owner entity. Refuses if a
                stack is already there; an existing empty directory is fine. With --json, stdout is exactly one
                JSON object {"entityId", "tokenId", "token"}.
                """,
            options: [DataDirectory.option, .flag("json", help: "Print the result as one JSON object.")])
    }

    let dataDirectory: String
    let json: Bool

    init(_ arguments: ParsedArguments) throws(CLIError) {
        dataDirectory = DataDirectory.resolve(arguments)
        json = arguments.flag("json")
    }

    func run() async throws {
        let created = try await Engine.initialize(dataDirectory: dataDirectory)
        if json {
            Console.output(created.json.serializedString())
        } else {
            Console.output(created.humanReadable(dataDirectory: dataDirectory))
        }
    }
}

/// What `init` made: the owner entity and its first token.
struct InitResult: Sendable {
    var entityId: String
    var tokenId: String
    var token: String

    var json: JSON { ["entityId": .string(entityId), "tokenId": .string(tokenId), "token": .string(token)] }

    func humanReadable(dataDirectory: String) -> String {
        """
        Created a stack in \(dataDirectory).
        Owner entity: \(entityId)
        Owner token (shown this once; keep it secret): \(token)
        """
    }
}
