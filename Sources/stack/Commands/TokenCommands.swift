import StackAPI
import StackJSON

/// `stack token create`: mint a token on the local data directory (SPEC §7), for recovery when the
/// owner token is lost or to hand a token to an app without a running server.
struct TokenCreateCommand: Command {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "token create",
            abstract: "Create a token and print its secret once.",
            discussion: """
                Without --owner or --entity, a new entity named after --name is created for the token.
                --create takes a comma-separated list of type ids, or '*' for any type (never entity or group).
                With --json, stdout is one JSON object shaped like the answer of POST /tokens.
                """,
            options: [
                .flag("owner", help: "Bind the token to the owner entity (an owner token)."),
                .value("name", "name", help: "A name to recognise the token by (required unless --owner)."),
                .value("entity", "id", help: "Bind the token to this existing entity."),
                .value("create", "types", help: "Types the token may create records of, comma-separated, or '*'."),
                .value("expires", "rfc3339", help: "When the token stops working, e.g. 2027-01-01T00:00:00Z."),
                DataDirectory.option,
                .flag("json", help: "Print the token as one JSON object."),
            ])
    }

    let request: TokenRequest
    let dataDirectory: String
    let json: Bool

    init(_ arguments: ParsedArguments) throws(CLIError) {
        let command = Self.configuration.name
        let owner = arguments.flag("owner")
        let entity = arguments.value("entity")
        if owner, entity != nil {
            throw .usage("--owner and --entity cannot be used together", command: command)
        }
        if let entity, entity.isEmpty {
            throw .usage("--entity needs a non-empty entity id", command: command)
        }
        let name = arguments.value("name") ?? (owner ? "owner" : nil)
        guard let name, !name.isEmpty else {
            throw .usage("--name is required unless --owner is given", command: command)
        }
        var createTypes: [String]?
        if let list = arguments.value("create") {
            let types = list.split(separator: ",", omittingEmptySubsequences: false)
                .map { String($0).trimmingSpaces() }
            guard !types.contains(where: \.isEmpty) else {
                throw .usage("--create needs comma-separated type ids, such as 'note,task' or '*'", command: command)
            }
            createTypes = types
        }
        var expiresAt: Int64?
        if let text = arguments.value("expires") {
            guard let milliseconds = RFC3339.parse(text) else {
                throw .usage("--expires must be an RFC 3339 time such as 2027-01-01T00:00:00Z, not '\(text)'", command: command)
            }
            expiresAt = milliseconds
        }
        request = TokenRequest(
            name: name, binding: owner ? .owner : entity.map(TokenRequest.Binding.entity) ?? .newEntity,
            createTypes: createTypes, expiresAt: expiresAt)
        dataDirectory = DataDirectory.resolve(arguments)
        json = arguments.flag("json")
    }

    func run() async throws {
        let token = try await Engine.createToken(request, dataDirectory: dataDirectory)
        if json {
            Console.output(token.serializedString())
        } else {
            let id = token["id"]?.stringValue ?? "?"
            let entity = token["entityId"]?.stringValue ?? "?"
            let secret = token["token"]?.stringValue ?? "?"
            Console.output("Token \(id) for entity \(entity).\nSecret (shown this once; keep it secret): \(secret)")
        }
    }
}

/// What `token create` asks the engine for.
struct TokenRequest: Sendable, Equatable {
    enum Binding: Sendable, Equatable {
        /// The owner's entity: an owner token.
        case owner
        /// An existing entity.
        case entity(String)
        /// A new `entity` record named after the token.
        case newEntity
    }

    var name: String
    var binding: Binding
    /// `grants.create`; `nil` for none.
    var createTypes: [String]?
    /// Milliseconds since the epoch; `nil` for never.
    var expiresAt: Int64?
}

/// `stack token list`.
struct TokenListCommand: Command {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "token list",
            abstract: "List tokens (never their secrets).",
            discussion: "With --json, stdout is one JSON object shaped like the answer of GET /tokens.",
            options: [DataDirectory.option, .flag("json", help: "Print the list as one JSON object.")])
    }

    let dataDirectory: String
    let json: Bool

    init(_ arguments: ParsedArguments) throws(CLIError) {
        dataDirectory = DataDirectory.resolve(arguments)
        json = arguments.flag("json")
    }

    func run() async throws {
        let tokens = try await Engine.listTokens(dataDirectory: dataDirectory)
        if json {
            let list: JSON = ["results": .array(tokens), "count": .int(tokens.count), "nextCursor": .null]
            Console.output(list.serializedString())
            return
        }
        Console.output(TokenTable.render(tokens), terminator: "")
    }
}

/// `stack token revoke ID`.
struct TokenRevokeCommand: Command {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "token revoke",
            abstract: "Revoke a token; it is refused from the next request on.",
            options: [DataDirectory.option],
            arguments: [ArgumentDefinition(name: "id", help: "The token id (see 'stack token list').")])
    }

    let id: String
    let dataDirectory: String

    init(_ arguments: ParsedArguments) throws(CLIError) {
        id = arguments.positionals[0]
        dataDirectory = DataDirectory.resolve(arguments)
    }

    func run() async throws {
        try await Engine.revokeToken(id: id, dataDirectory: dataDirectory)
        Console.output("Revoked token \(id).")
    }
}

/// A plain-text table of tokens for `token list`.
enum TokenTable {
    static func render(_ tokens: [JSON]) -> String {
        if tokens.isEmpty { return "No tokens.\n" }
        let header = ["ID", "NAME", "ENTITY", "CREATE", "EXPIRES", "LAST USED"]
        let rows = tokens.map { token -> [String] in
            let create = token["grants"]?["create"]?.arrayValue?.compactMap(\.stringValue).joined(separator: ",")
            return [
                token["id"]?.stringValue ?? "", token["name"]?.stringValue ?? "", token["entityId"]?.stringValue ?? "",
                create.map { $0.isEmpty ? "-" : $0 } ?? "-", token["expiresAt"]?.stringValue ?? "never",
                token["lastUsedAt"]?.stringValue ?? "never",
            ]
        }
        var widths = header.map(\.count)
        for row in rows {
            for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                column == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count + 2)
            }.joined() + "\n"
        }
        return ([header] + rows).map(line).joined()
    }
}

extension String {
    func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
