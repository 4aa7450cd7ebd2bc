import StackJSON
import StackStore
import Synchronization

/// The Stack HTTP API over a ``Store``: routing, authentication, rate limits, idempotency, CORS,
/// security headers, error mapping and the access log (SPEC §2–§4).
///
/// It turns an ``APIRequest`` into an ``APIResponse`` and knows nothing of sockets; the server
/// adapter feeds it requests.
///
/// ```swift
/// let store = try await Store.open(at: "./data")
/// let app = App(store: store)
/// let response = await app.handle(APIRequest(method: "GET", target: "/health"))
/// ```
public final class App: Sendable {
    public let store: Store
    public let configuration: AppConfiguration
    /// Every route, for dispatch, `Allow`, CORS and the OpenAPI consistency test.
    public let router: Router

    let rateLimiter: RateLimiter
    let ownerRateLimiter: RateLimiter?
    let authFailures: RateLimiter
    let idempotency = IdempotencyGate()
    let principals: PrincipalCache
    /// Where blobs live, to send attachments with `sendfile(2)`.
    let blobPaths: BlobStore?
    private let shuttingDown = Atomic<Bool>(false)

    public init(store: Store, configuration: AppConfiguration = AppConfiguration()) {
        self.store = store
        self.configuration = configuration
        self.router = Router(App.allRoutes)
        self.rateLimiter = RateLimiter(perMinute: configuration.rateLimitPerMinute)
        self.ownerRateLimiter = configuration.ownerRateLimitPerMinute.map { RateLimiter(perMinute: $0) }
        self.authFailures = RateLimiter(perMinute: configuration.authFailuresPerMinute)
        self.blobPaths = try? BlobStore(dataDirectory: store.directory)
        self.principals = PrincipalCache(lifetime: configuration.tokenCacheSeconds)
    }

    /// Every route of SPEC §3 this server serves.
    static var allRoutes: [Route] {
        DiscoveryRoutes.routes + RecordRoutes.routes + VersionRoutes.routes + PermissionRoutes.routes
            + AssociationRoutes.routes + TypeRoutes.routes + AttachmentRoutes.routes + EntityRoutes.routes
            + TokenRoutes.routes + QueryRoutes.routes + ChangeRoutes.routes
    }

    /// Forgets cached token answers; called after anything that revokes tokens.
    func tokensChanged() {
        principals.removeAll()
    }

    /// Forgets cached token answers of one entity; called after its record is deleted or erased
    /// (a no-op when the record deleted is not an entity).
    func entityRemoved(_ id: String) {
        principals.removeAll(entityId: id)
    }

    /// Whether ``beginShutdown()`` was called.
    var isShuttingDown: Bool { shuttingDown.load(ordering: .relaxed) }

    /// From now on, answer 503 (SPEC §6: shutting down); event streams end within a second.
    public func beginShutdown() {
        shuttingDown.store(true, ordering: .relaxed)
    }

    /// Answers one request. Never throws: every failure becomes a problem response.
    public func handle(_ request: APIRequest) async -> APIResponse {
        let started = MonotonicClock.seconds()
        var principal: Principal?
        var response: APIResponse
        var rateHeaders: [(name: String, value: String)] = []
        do {
            response = try await route(request, principal: &principal, rateHeaders: &rateHeaders)
        } catch let problem as Problem {
            response = problem.response
        } catch let error as StoreError {
            let path = QueryString.pathPart(of: request.target)
            response = Problem.from(error, path: path, log: configuration.log).response
        } catch {
            configuration.log("error: \(request.method) \(QueryString.pathPart(of: request.target)): \(error)")
            response = Problem.internalError.response
        }
        finish(&response, request: request, rateHeaders: rateHeaders)
        configuration.log(
            AccessLog.line(
                timeMilliseconds: Timestamp.now().milliseconds, method: request.method, target: request.target,
                status: response.status, durationSeconds: MonotonicClock.seconds() - started,
                bytes: response.file.map { Int($0.length) } ?? response.body.count, entityId: principal?.entityId))
        return response
    }

    /// Headers every response gets (SPEC §2).
    private func finish(_ response: inout APIResponse, request: APIRequest, rateHeaders: [(name: String, value: String)]) {
        for header in SecurityHeaders.all { response.setHeader(header.name, header.value) }
        for header in rateHeaders where response.header(header.name) == nil { response.headers.append(header) }
        if response.header("Access-Control-Allow-Origin") == nil {
            response.headers.append(contentsOf: CORS.responseHeaders(origin: request.header("Origin")))
        }
    }

    private func route(
        _ request: APIRequest, principal: inout Principal?, rateHeaders: inout [(name: String, value: String)]
    ) async throws -> APIResponse {
        if shuttingDown.load(ordering: .relaxed) { throw Problem.serviceUnavailable("The server is shutting down.") }
        // RFC 9110 §9.3.7: `OPTIONS *` asks about the server as a whole.
        if request.target == "*" && request.method == "OPTIONS" {
            return APIResponse(status: 204, headers: [("Allow", Router.allowed(["GET", "POST", "PUT", "PATCH", "DELETE"]).joined(separator: ", "))])
        }
        let (rawPath, query) = try QueryString.split(target: request.target)
        guard let segments = Router.segments(of: rawPath) else { throw Problem.notFound(path: rawPath) }
        let path = rawPath
        // Methods are case-sensitive (RFC 9110 §9.1): `delete` is not DELETE, and gets 405, so a
        // filter in front of the server that blocks a method cannot be passed by its lowercase.
        let method = request.method

        if method == "OPTIONS" {
            switch router.match(method: "GET", path: segments) {
            case .notFound: throw Problem.notFound(path: path)
            case .found(let route, _): return CORS.preflight(methods: methods(for: route.pattern))
            case .methodNotAllowed(let allowed): return CORS.preflight(methods: allowed.filter { $0 != "OPTIONS" })
            }
        }
        let (route, parameters): (Route, [String: String])
        switch router.match(method: method, path: segments) {
        case .notFound: throw Problem.notFound(path: path)
        case .methodNotAllowed(let allowed): throw Problem.methodNotAllowed(method, allowed: allowed)
        case .found(let found, let values): (route, parameters) = (found, values)
        }

        principal = try await authenticate(request)
        if let decision = rateLimit(request, principal: principal) {
            rateHeaders = decision.headers
            if !decision.isAllowed { throw Problem.tooManyRequests(decision) }
        }
        try authorize(route, principal: principal)
        try ParameterValidation.rejectUnknown(query, known: route.queryParameters, allowPrefix: route.queryPrefix)

        var context = RequestContext(
            request: request, path: path, query: query, parameters: parameters, principal: principal, idempotency: nil,
            app: self)
        guard route.isCreating, let principal, let key = request.header("Idempotency-Key") else {
            return try await route.handler(context)
        }
        return try await idempotently(route, context: &context, principal: principal, key: key)
    }

    /// The methods of every route sharing `pattern`, for preflights.
    private func methods(for pattern: String) -> [String] {
        Router.allowed(router.routes.filter { $0.pattern == pattern }.map(\.method)).filter { $0 != "OPTIONS" }
    }

    /// Who is asking (SPEC §2: a bad token is 401 even where anonymous access is allowed), with the
    /// failed-authentication back-off per address (SPEC §6).
    private func authenticate(_ request: APIRequest) async throws -> Principal? {
        let credential = BearerToken.parse(request.header("Authorization"))
        if case .none = credential { return nil }
        let blocked = authFailures.peek(request.peerAddress)
        if !blocked.isAllowed {
            throw Problem.tooManyRequests(blocked, detail: "Too many failed authentications from this address; wait and retry.")
        }
        var principal: Principal?
        if case .bearer(let secret) = credential {
            if let cached = principals.principal(for: secret) {
                return cached
            }
            principal = try await store.authenticate(secret: secret)
            if let principal { principals.store(principal, for: secret) }
        }
        guard let principal else {
            _ = authFailures.acquire(request.peerAddress)
            throw Problem.unauthorized(invalidToken: true)
        }
        return principal
    }

    /// SPEC §6: per non-owner token, per address for anonymous callers; owner tokens only when
    /// configured. `nil` when the caller is not limited.
    private func rateLimit(_ request: APIRequest, principal: Principal?) -> RateLimitDecision? {
        guard let principal else { return rateLimiter.acquire("address:" + request.peerAddress) }
        let key = "token:" + (principal.tokenId ?? principal.entityId)
        if principal.isOwner { return ownerRateLimiter?.acquire(key) }
        return rateLimiter.acquire(key)
    }

    private func authorize(_ route: Route, principal: Principal?) throws(Problem) {
        switch route.access {
        case .anonymous, .optional:
            return
        case .authenticated:
            if principal == nil { throw Problem.unauthorized(invalidToken: false) }
        case .owner:
            guard let principal else { throw Problem.unauthorized(invalidToken: false) }
            if !principal.isOwner { throw Problem.forbidden("Only the owner may do this.") }
        }
    }

    /// SPEC §2 `Idempotency-Key`: replay the first answer for the same key and body, 422 for the
    /// same key with another body, 409 while the first is in flight.
    private func idempotently(
        _ route: Route, context: inout RequestContext, principal: Principal, key: String
    ) async throws -> APIResponse {
        guard IdempotencyGate.isValidKey(key) else {
            throw Problem.badRequest("Idempotency-Key must be 1 to 255 visible ASCII characters.")
        }
        let request = context.request
        // Attachments are streamed to their blob, never held whole: their fingerprint covers the
        // SHA-256 of the bytes (`RequestFingerprint.uploadHash`), known once the body is read, by
        // the route for a first request (`requestHashOfResult`) and here for a repeated one.
        let isStreamed = route.pattern == "/attachments"
        let body = isStreamed ? [] : try await request.body.collect(upTo: configuration.maxJSONBytes)
        let contentType = request.header("Content-Type")
        let hash = RequestFingerprint.hash(method: request.method, target: request.target, contentType: contentType, body: body)
        guard idempotency.begin(entityId: principal.entityId, key: key) else {
            throw Problem.conflict("A request with this Idempotency-Key is still in progress.")
        }
        defer { idempotency.end(entityId: principal.entityId, key: key) }
        if let stored = try await store.idempotentReplay(entityId: principal.entityId, key: key) {
            var sameRequest = stored.requestHash == hash
            if isStreamed {
                let digest = try await RequestFingerprint.streamedDigest(of: request.body, limit: configuration.maxAttachmentBytes)
                sameRequest = stored.requestHash == RequestFingerprint.uploadHash(
                    method: request.method, target: request.target, contentType: contentType, sha256: digest)
            }
            guard sameRequest else {
                throw Problem.unprocessable("This Idempotency-Key was used with a different request.")
            }
            let replay = IdempotencyGate.replay(stored.response)
            return route.pattern == "/tokens" ? idempotency.withSecret(replay, entityId: principal.entityId, key: key) : replay
        }
        context.idempotency = IdempotencyContext(
            entityId: principal.entityId, key: key, requestHash: hash, body: body, isBodyConsumed: !isStreamed)
        return try await route.handler(context)
    }
}

extension QueryString {
    /// The path of a request target, without its query.
    static func pathPart(of target: String) -> String {
        String(target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }
}
