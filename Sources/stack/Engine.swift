import StackAPI
import StackHTTP
import StackJSON
import StackStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The seam between the command line and the engine and server: every call the commands make
/// into StackStore and StackHTTP goes through these few functions.
enum Engine {
    /// Creates a stack and its first owner token (SPEC §7 `init`).
    static func initialize(dataDirectory: String) async throws -> InitResult {
        let store: Store
        do {
            store = try await Store.create(at: dataDirectory)
        } catch StoreError.conflict {
            throw CLIError.failure("a stack already exists in \(dataDirectory)")
        } catch {
            throw CLIError.failure("cannot create a stack in \(dataDirectory): \(error)")
        }
        return try await using(store) { store in
            let created = try await store.createToken(
                NewToken(name: "owner", entityId: store.ownerEntityId), as: store.ownerPrincipal)
            return InitResult(entityId: store.ownerEntityId, tokenId: created.token.id, token: created.secret)
        }
    }

    /// Serves the API until SIGINT or SIGTERM (SPEC §7 `serve`); creates the stack first when
    /// the data directory has none, printing the owner token once.
    static func serve(_ options: ServeOptions) async throws {
        let storeConfiguration = StoreConfiguration(durability: options.durability == .full ? .full : .normal)
        let store: Store
        if Store.exists(at: options.dataDirectory) {
            do {
                store = try await Store.open(at: options.dataDirectory, configuration: storeConfiguration)
            } catch {
                throw CLIError.failure("cannot open the stack in \(options.dataDirectory): \(error)")
            }
        } else {
            do {
                store = try await Store.create(at: options.dataDirectory, configuration: storeConfiguration)
            } catch {
                throw CLIError.failure("cannot create a stack in \(options.dataDirectory): \(error)")
            }
            let created = try await using(store, close: false) { store in
                try await store.createToken(NewToken(name: "owner", entityId: store.ownerEntityId), as: store.ownerPrincipal)
            }
            let result = InitResult(entityId: store.ownerEntityId, tokenId: created.token.id, token: created.secret)
            Console.output(result.humanReadable(dataDirectory: options.dataDirectory))
        }
        let app = App(
            store: store,
            configuration: AppConfiguration(
                version: CLI.version, maxJSONBytes: options.maxJSONBytes, maxAttachmentBytes: options.maxAttachmentBytes,
                rateLimitPerMinute: options.rateLimitPerMinute, ownerRateLimitPerMinute: options.ownerRateLimitPerMinute,
                authFailuresPerMinute: options.authFailuresPerMinute))
        var configuration = ServerConfiguration(host: options.host, port: options.port)
        configuration.maxConnections = options.maxConnections
        configuration.parserLimits.maxHeadBytes = options.maxHeaderBytes
        configuration.requestHeadTimeout = .seconds(options.headTimeoutSeconds)
        configuration.idleTimeout = .seconds(options.idleTimeoutSeconds)
        let server = app.makeServer(configuration: configuration)
        let address: SocketAddress
        do {
            address = try server.start()
        } catch {
            await store.close()
            throw CLIError.failure("cannot listen on \(options.host):\(options.port): \(error)")
        }
        let host = address.isIPv6 ? "[\(address.host)]" : address.host
        Console.output("Stack is serving \(options.dataDirectory) at http://\(host):\(address.port)")
        // SPEC §6: stop accepting, finish in-flight requests (up to 10 s), close the database, exit 0.
        let signal = await ShutdownSignal.wait()
        Console.error("stack: \(signal == SIGINT ? "SIGINT" : "SIGTERM") received, shutting down")
        app.beginShutdown()
        await server.shutdown(gracePeriod: .seconds(10))
        await store.close()
        StandardError.flush()
    }

    /// Returns the token as `POST /tokens` does: its metadata plus `token`, the secret.
    static func createToken(_ request: TokenRequest, dataDirectory: String) async throws -> JSON {
        try await withStore(at: dataDirectory) { store in
            let entityId: String? =
                switch request.binding {
                case .owner: store.ownerEntityId
                case .entity(let id): id
                case .newEntity: nil
                }
            let input = NewToken(
                name: request.name, entityId: entityId, createGrants: request.createTypes ?? [],
                expiresAt: request.expiresAt.map(Timestamp.init(milliseconds:)))
            return try await store.createToken(input, as: store.ownerPrincipal).json
        }
    }

    /// Returns the tokens as the `results` of `GET /tokens` would.
    static func listTokens(dataDirectory: String) async throws -> [JSON] {
        try await withStore(at: dataDirectory) { store in
            try await store.listTokens(as: store.ownerPrincipal).map(\.json)
        }
    }

    static func revokeToken(id: String, dataDirectory: String) async throws {
        try await withStore(at: dataDirectory) { store in
            do {
                try await store.revokeToken(id, as: store.ownerPrincipal)
            } catch StoreError.notFound {
                throw CLIError.failure("there is no token \(id)")
            }
        }
    }

    /// Opens the stack in `dataDirectory`, runs `body`, and closes it whatever happens.
    private static func withStore<T: Sendable>(
        at dataDirectory: String, _ body: (Store) async throws -> T
    ) async throws -> T {
        let store: Store
        do {
            store = try await Store.open(at: dataDirectory)
        } catch StoreError.notFound {
            throw CLIError.failure("there is no stack in \(dataDirectory); run 'stack init' first")
        } catch {
            throw CLIError.failure("cannot open the stack in \(dataDirectory): \(error)")
        }
        return try await using(store, body)
    }

    /// Runs `body`; closes the store afterwards (always on failure; on success when `close`).
    private static func using<T: Sendable>(
        _ store: Store, close: Bool = true, _ body: (Store) async throws -> T
    ) async throws -> T {
        do {
            let result = try await body(store)
            if close { await store.close() }
            return result
        } catch let error as CLIError {
            await store.close()
            throw error
        } catch {
            await store.close()
            throw CLIError.failure(String(describing: error))
        }
    }
}
