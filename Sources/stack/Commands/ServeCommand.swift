import Foundation

/// `stack serve`: serve the API, creating the stack first on an empty data directory (SPEC §7).
struct ServeCommand: Command {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "serve",
            abstract: "Serve the HTTP API (creates the stack first if the data directory is empty).",
            discussion: """
                Byte counts accept K, M and G suffixes (binary). SIGINT or SIGTERM stop accepting connections,
                let requests in flight finish (up to 10 s), close the database and exit 0. By default only
                127.0.0.1 is bound; use --host 0.0.0.0 to listen on every interface.
                """,
            options: [
                .value("host", "address", help: "Address to bind.", default: "127.0.0.1", environment: "STACK_HOST"),
                .value("port", "port", help: "TCP port; 0 picks a free one.", default: "8787", environment: "STACK_PORT"),
                DataDirectory.option,
                .value("durability", "full|normal", help: "full flushes every commit to disk before answering; normal survives a crash of the process but not a power loss.", default: "full"),
                .value("max-json-bytes", "bytes", help: "Largest JSON request body.", default: "1M"),
                .value("max-attachment-bytes", "bytes", help: "Largest attachment.", default: "100M"),
                .value("max-header-bytes", "bytes", help: "Largest request head (431 above).", default: "16K"),
                .value("max-connections", "count", help: "Concurrent connections.", default: "1024"),
                .value("rate-limit", "per-minute", help: "Requests per minute per non-owner token, or per address for anonymous callers.", default: "600"),
                .value("owner-rate-limit", "per-minute", help: "Requests per minute for owner tokens; 0 means unlimited.", default: "0"),
                .value("auth-failure-limit", "per-minute", help: "Failed authentications per minute per address before 429.", default: "10"),
                .value("head-timeout", "seconds", help: "Time allowed to send a request head.", default: "10"),
                .value("idle-timeout", "seconds", help: "Keep-alive idle time before closing.", default: "60"),
            ])
    }

    let options: ServeOptions

    init(_ arguments: ParsedArguments) throws(CLIError) {
        try self.init(arguments, environment: ProcessInfo.processInfo.environment)
    }

    init(_ arguments: ParsedArguments, environment: [String: String]) throws(CLIError) {
        var arguments = arguments
        // The environment fills what the command line left out (SPEC §7: STACK_HOST, STACK_PORT).
        for (name, variable) in [("host", "STACK_HOST"), ("port", "STACK_PORT")] where arguments.values[name] == nil {
            if let value = environment[variable], !value.isEmpty { arguments.values[name] = value }
        }
        if arguments.values["port"] == environment["STACK_PORT"], let port = environment["STACK_PORT"], Int(port) == nil {
            throw .usage("STACK_PORT must be a port number from 0 to 65535, not '\(port)'", command: "serve")
        }
        var options = ServeOptions(dataDirectory: DataDirectory.resolve(arguments, environment: environment))
        if let host = arguments.value("host") {
            guard !host.isEmpty else { throw .usage("--host must not be empty", command: "serve") }
            options.host = host
        }
        options.port = try arguments.integer("port", in: 0...65535) ?? options.port
        if let durability = arguments.value("durability") {
            guard let value = ServeOptions.Durability(rawValue: durability) else {
                throw .usage("--durability must be 'full' or 'normal', not '\(durability)'", command: "serve")
            }
            options.durability = value
        }
        options.maxJSONBytes = try arguments.byteCount("max-json-bytes") ?? options.maxJSONBytes
        options.maxAttachmentBytes = try arguments.byteCount("max-attachment-bytes") ?? options.maxAttachmentBytes
        options.maxHeaderBytes = try arguments.byteCount("max-header-bytes") ?? options.maxHeaderBytes
        options.maxConnections = try arguments.integer("max-connections", in: 1...1_000_000) ?? options.maxConnections
        options.rateLimitPerMinute = try arguments.integer("rate-limit", in: 1...10_000_000) ?? options.rateLimitPerMinute
        if let owner = try arguments.integer("owner-rate-limit", in: 0...10_000_000) {
            options.ownerRateLimitPerMinute = owner == 0 ? nil : owner
        }
        options.authFailuresPerMinute =
            try arguments.integer("auth-failure-limit", in: 1...10_000_000) ?? options.authFailuresPerMinute
        options.headTimeoutSeconds = try arguments.integer("head-timeout", in: 1...3600) ?? options.headTimeoutSeconds
        options.idleTimeoutSeconds = try arguments.integer("idle-timeout", in: 1...86400) ?? options.idleTimeoutSeconds
        self.options = options
    }

    func run() async throws {
        try await Engine.serve(options)
    }
}

/// Everything `serve` was told, with the defaults of SPEC §6.
struct ServeOptions: Sendable, Equatable {
    enum Durability: String, Sendable {
        case full, normal
    }

    var dataDirectory: String
    var host = "127.0.0.1"
    var port = 8787
    var durability = Durability.full
    var maxJSONBytes = 1 << 20
    var maxAttachmentBytes = 100 << 20
    var maxHeaderBytes = 16 << 10
    var maxConnections = 1024
    var rateLimitPerMinute = 600
    /// `nil`: owner tokens are not limited (SPEC §6).
    var ownerRateLimitPerMinute: Int?
    var authFailuresPerMinute = 10
    var headTimeoutSeconds = 10
    var idleTimeoutSeconds = 60
}
