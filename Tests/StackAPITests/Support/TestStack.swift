import Foundation
import StackHTTP
import StackJSON
import StackStore
import Testing

@testable import StackAPI

/// A response as a test sees it.
struct TestResponse: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var json: JSON { (try? JSONParser.parse(body)) ?? .null }
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// A fresh stack in a temporary directory with an App in front of it, and an owner token.
///
/// Requests go either through `App.handle` in-process, or — `overSocket` — through a real
/// `StackHTTP.Server` on an ephemeral port of 127.0.0.1, with the tests' own HTTP client.
final class TestStack: Sendable {
    let directory: String
    let store: Store
    let app: App
    let ownerToken: String
    let logLines = LogLines()
    let server: Server?
    let port: Int

    static func make(configuration: AppConfiguration = AppConfiguration(), overSocket: Bool = false) async throws -> TestStack {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("stack-api-tests-\(UUID().uuidString)").path
        let store = try await Store.create(at: directory)
        let owner = try await store.createToken(NewToken(name: "owner", entityId: store.ownerEntityId), as: store.ownerPrincipal)
        return try TestStack(
            directory: directory, store: store, ownerToken: owner.secret, configuration: configuration, overSocket: overSocket)
    }

    private init(directory: String, store: Store, ownerToken: String, configuration: AppConfiguration, overSocket: Bool) throws {
        self.directory = directory
        self.store = store
        self.ownerToken = ownerToken
        var configuration = configuration
        let lines = logLines
        configuration.log = { lines.append($0) }
        self.app = App(store: store, configuration: configuration)
        if overSocket {
            let server = app.makeServer(configuration: ServerConfiguration(host: "127.0.0.1", port: 0, threadCount: 1))
            self.port = try server.start().port
            self.server = server
        } else {
            self.server = nil
            self.port = 0
        }
    }

    func close() async {
        await server?.shutdown(gracePeriod: .seconds(1))
        await store.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Sends a request. `json` bodies get `Content-Type: application/json` unless a header says otherwise.
    @discardableResult
    func send(
        _ method: String, _ target: String, token: String? = nil, json: JSON? = nil, body: [UInt8]? = nil,
        headers: [(String, String)] = [], peer: String = "192.0.2.10"
    ) async throws -> TestResponse {
        var allHeaders = headers.map { (name: $0.0, value: $0.1) }
        if let token { allHeaders.append(("Authorization", "Bearer \(token)")) }
        var bytes = body ?? []
        if let json {
            bytes = json.serialized()
            if !allHeaders.contains(where: { $0.name.lowercased() == "content-type" }) {
                allHeaders.append(("Content-Type", "application/json"))
            }
        }
        if server != nil {
            // Over the socket every request comes from 127.0.0.1; `peer` is not sent.
            return try await SocketClient.send(port: port, method: method, target: target, headers: allHeaders, body: bytes)
        }
        let request = APIRequest(
            method: method, target: target, headers: allHeaders, peerAddress: peer, body: BufferedRequestBody(bytes))
        let response = await app.handle(request)
        var responseBody = response.body
        if let file = response.file {
            responseBody = try file.readAll()
            file.close()
        }
        return TestResponse(status: response.status, headers: response.headers, body: responseBody)
    }

    /// Creates a token for a new entity and returns (entityId, secret).
    func makeEntity(_ name: String, create: [String] = [], expiresAt: Timestamp? = nil) async throws -> (id: String, token: String) {
        let created = try await store.createToken(
            NewToken(name: name, createGrants: create, expiresAt: expiresAt), as: store.ownerPrincipal)
        return (created.token.entityId, created.secret)
    }

    /// Registers the `note` type used by most tests: `{title: string (required), done?: boolean}`.
    func registerNoteType() async throws {
        let response = try await send(
            "POST", "/types", token: ownerToken,
            json: [
                "id": "note",
                "schema": [
                    "type": "object", "required": ["title"],
                    "properties": ["title": ["type": "string"], "done": ["type": "boolean"], "file": ["type": "string"]],
                ],
            ])
        #expect(response.status == 201, "\(response.text)")
    }
}

/// Collects log lines for assertions.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}

import Synchronization

/// Runs `body` with a fresh stack and always closes it.
func withStack<T>(
    configuration: AppConfiguration = AppConfiguration(), overSocket: Bool = false, _ body: (TestStack) async throws -> T
) async throws -> T {
    let stack = try await TestStack.make(configuration: configuration, overSocket: overSocket)
    do {
        let result = try await body(stack)
        await stack.close()
        return result
    } catch {
        await stack.close()
        throw error
    }
}

/// Whether StackJSON's schema validator is the real one (it is a stub until its issue lands).
let schemaValidatorIsLive: Bool = {
    guard let schema = try? JSONSchema(compiling: ["type": "string"]) else { return false }
    return !schema.isValid(5)
}()
