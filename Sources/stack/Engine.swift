import StackAPI
import StackJSON
import StackStore

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

    static func serve(_ options: ServeOptions) async throws {
        throw CLIError.failure("the HTTP server is not part of this build yet")
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

    private static func using<T: Sendable>(_ store: Store, _ body: (Store) async throws -> T) async throws -> T {
        do {
            let result = try await body(store)
            await store.close()
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
