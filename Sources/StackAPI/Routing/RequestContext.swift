import StackJSON
import StackStore

/// Everything a route handler needs: the request, who is asking, path parameters, the query, and
/// the app (store and configuration).
public struct RequestContext: Sendable {
    public var request: APIRequest
    /// The decoded path (without the query).
    public var path: String
    public var query: QueryString
    /// Path parameters by name (`id`, `version`, `fileId`).
    public var parameters: [String: String]
    /// The authenticated caller; `nil` for anonymous requests.
    public var principal: Principal?
    /// The `Idempotency-Key` stamp to pass to a creating store call, when one applies.
    public var idempotency: IdempotencyContext?
    public let app: App

    public var store: Store { app.store }

    /// A path parameter (always present for a matched route).
    public func parameter(_ name: String) -> String { parameters[name] ?? "" }

    /// A path parameter that must be a positive integer (`:version`); otherwise 404, since no such
    /// resource can exist.
    public func positiveInteger(_ name: String) throws(Problem) -> Int {
        let text = parameter(name)
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = Int(text), value >= 1 else {
            throw Problem.notFound(path: path)
        }
        return value
    }

    /// The problem to answer when the resource at this path is absent or unreadable.
    public var notFound: Problem { Problem.notFound(path: path) }

    /// Reads and parses a JSON body (SPEC §2: 415 for another media type, 413 over the limit,
    /// 400 when it does not parse).
    public func jsonBody(allowMergePatch: Bool = false) async throws -> JSON {
        try MediaTypes.requireJSON(request.header("Content-Type"), allowMergePatch: allowMergePatch)
        let bytes = try await collectBody()
        do {
            return try JSONParser.parse(bytes, options: JSONParserOptions(maxDepth: 256, maxBytes: app.configuration.maxJSONBytes))
        } catch {
            throw Problem.malformedJSON(error)
        }
    }

    /// The whole body as bytes, within the JSON limit. The idempotency layer may already have read it.
    func collectBody() async throws -> [UInt8] {
        if let idempotency, idempotency.isBodyConsumed { return idempotency.body }
        return try await request.body.collect(upTo: app.configuration.maxJSONBytes)
    }

    /// A JSON object body: anything else is 400 with a pointer at the root.
    public func jsonObjectBody(allowMergePatch: Bool = false) async throws -> JSONObject {
        let body = try await jsonBody(allowMergePatch: allowMergePatch)
        guard case .object(let object) = body else {
            throw Problem.badRequest(
                "The request body must be a JSON object.", errors: [.init(path: "", message: "expected an object, got \(body.typeName)")])
        }
        return object
    }

    /// The record's `If-Match` as the version number the store should require (SPEC §2), or `nil`
    /// for no condition (no header, or `*`: the store then only needs the record to exist).
    ///
    /// The store checks one version inside its transaction; when the header lists several tags,
    /// the current version is read first and passed on if one of them matches it.
    /// - Parameter currentVersion: reads the record's current version (throwing 404 when absent).
    public func ifMatchVersion(currentVersion: () async throws -> Int) async throws -> Int? {
        guard let header = request.header("If-Match") else { return nil }
        let tags = Conditional.parseList(header)
        if tags.contains("*") { return nil }
        let versions = tags.compactMap { tag -> Int? in
            guard tag.hasPrefix("\""), tag.hasSuffix("\""), tag.count > 2, let version = Int(tag.dropFirst().dropLast()),
                version >= 1
            else { return nil }
            return version
        }
        if versions.count == 1 { return versions[0] }
        let current = try await currentVersion()
        guard versions.contains(current) else {
            throw Problem.preconditionFailed(currentETag: Conditional.recordETag(version: current))
        }
        return current
    }
}

/// What a creating route needs to make its store call idempotent.
public struct IdempotencyContext: Sendable {
    public var entityId: String
    public var key: String
    public var requestHash: String
    /// The body, already read to compute the hash (JSON routes).
    public var body: [UInt8]
    /// Whether `body` holds the request body (false for streamed uploads, read by their route).
    public var isBodyConsumed: Bool

    /// A stamp for the store: the response rendered from the result is stored in the same
    /// transaction as the write (SPEC §2).
    public func stamp<Result>(_ render: @escaping @Sendable (Result) -> APIResponse) -> IdempotencyStamp<Result> {
        IdempotencyStamp(entityId: entityId, key: key, requestHash: requestHash) { result in
            let response = render(result)
            return StoredResponse(
                status: response.status, headers: response.headers.map { StoredHeader(name: $0.name, value: $0.value) },
                body: response.body)
        }
    }
}
