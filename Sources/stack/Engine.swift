import StackJSON

/// The seam between the command line and the engine and server: every call the commands make
/// into StackStore and StackHTTP goes through these few functions.
///
/// They fail with a clear message until the engine (StackStore) and server (StackHTTP) land.
enum Engine {
    static func initialize(dataDirectory: String) async throws -> InitResult {
        throw unavailable
    }

    static func serve(_ options: ServeOptions) async throws {
        throw unavailable
    }

    /// Returns the token as `POST /tokens` does: its metadata plus `token`, the secret.
    static func createToken(_ request: TokenRequest, dataDirectory: String) async throws -> JSON {
        throw unavailable
    }

    /// Returns the tokens as the `results` of `GET /tokens` would.
    static func listTokens(dataDirectory: String) async throws -> [JSON] {
        throw unavailable
    }

    static func revokeToken(id: String, dataDirectory: String) async throws {
        throw unavailable
    }

    private static var unavailable: CLIError {
        .failure("the storage engine is not part of this build yet")
    }
}
