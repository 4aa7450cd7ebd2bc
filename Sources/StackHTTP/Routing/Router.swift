/// A handler: takes the request and its context, returns a response or throws.
public typealias Responder<Context> = @Sendable (Request, Context) async throws -> Response

/// A middleware: a plain function around the rest of the chain (`next`). It may change the
/// request or context before calling `next`, change the response after, or answer by itself.
///
/// ```swift
/// let logging: Middleware<BasicRequestContext> = { request, context, next in
///     let response = try await next(request, context)
///     print(request.method, request.target, response.status.code)
///     return response
/// }
/// router.use(logging)
/// ```
public typealias Middleware<Context> = @Sendable (Request, Context, Responder<Context>) async throws -> Response

/// One registered route, as listed by ``Router/routes``.
public struct RouteDescription: Sendable, Hashable, CustomStringConvertible {
    /// The method.
    public let method: HTTPMethod
    /// The pattern as registered, e.g. `"/records/:id"`.
    public let pattern: String
    public var description: String { "\(method) \(pattern)" }
}

/// Routes requests by method and path pattern to handlers, through middleware.
///
/// ```swift
/// var router = Router<BasicRequestContext>()
/// router.on("/records/:id/versions/:version", method: .GET) { request, context in
///     let id = try context.parameters.require("id")
///     let version = try context.parameters.require("version", as: Int.self)
///     let pretty = request.query["pretty"] == "1"
///     return .text("\(id) v\(version) \(pretty)")
/// }
/// router.on("/upload", method: .PUT) { request, _ in
///     var total = 0
///     for try await chunk in request.body { total += chunk.count }   // streamed, back-pressured
///     return .text("\(total) bytes")
/// }
/// router.on("/events", method: .GET) { _, _ in
///     Response(headers: ["Content-Type": "text/event-stream"], body: .stream { writer in
///         try await writer.write("data: hello\n\n")
///         await writer.waitForPeerClose()
///     })
/// }
/// ```
///
/// Rules: literal segments beat `:parameter` segments; path segments are percent-decoded before
/// matching (an invalid escape is a 400); no route → 404; a path served only for other methods →
/// 405 with `Allow`; `HEAD` is served by the `GET` route (the server drops the body). Errors thrown by
/// handlers or middleware become their ``HTTPResponseError`` response, anything else a bare 500.
public struct Router<Context: RequestContext>: Sendable {
    var root = RouteNode<Context>()
    var middleware: [Middleware<Context>] = []
    var registered: [RouteDescription] = []

    /// An empty router.
    public init() {}

    /// Registers `handler` for `method` on `pattern` (`/literal/:parameter/...`).
    ///
    /// Registering the same method and pattern twice replaces the first handler.
    public mutating func on(_ pattern: String, method: HTTPMethod, use handler: @escaping Responder<Context>) {
        let segments = RoutePattern.segments(of: pattern)
        root.insert(segments[...], method: method, handler: handler, pattern: pattern)
        let description = RouteDescription(method: method, pattern: pattern)
        if !registered.contains(description) { registered.append(description) }
    }

    /// Adds a middleware around every request (including those answered 404/405), outermost first.
    public mutating func use(_ middleware: @escaping Middleware<Context>) {
        self.middleware.append(middleware)
    }

    /// Every registered route (method + pattern), in registration order.
    public var routes: [RouteDescription] { registered }

    /// Runs the middleware chain and the matching handler; throws what they throw.
    public func dispatch(_ request: Request, context: Context) async throws -> Response {
        let root = self.root
        var chain: Responder<Context> = { request, context in
            try await Router.route(request, context: context, root: root)
        }
        for middleware in self.middleware.reversed() {
            let next = chain
            chain = { request, context in try await middleware(request, context, next) }
        }
        return try await chain(request, context)
    }

    /// Answers a request: ``dispatch(_:context:)`` with errors mapped to responses. Useful in tests
    /// without a server.
    public func respond(to request: Request, context: Context = Context()) async -> Response {
        do {
            return try await dispatch(request, context: context)
        } catch {
            return error.httpResponse
        }
    }

    /// The handler the server calls for each request.
    func makeResponder() -> @Sendable (Request) async throws -> Response {
        let router = self
        return { request in await router.respond(to: request, context: Context()) }
    }

    static func route(_ request: Request, context: Context, root: RouteNode<Context>) async throws -> Response {
        guard let segments = RoutePattern.decodedSegments(ofPath: request.path) else {
            throw HTTPError(.badRequest, message: "invalid percent-encoding in path")
        }
        var parameters = Parameters()
        if let handler = root.find(segments[...], method: request.method, parameters: &parameters) {
            var context = context
            context.parameters = parameters
            return try await handler(request, context)
        }
        if request.method == .HEAD {
            var getParameters = Parameters()
            if let handler = root.find(segments[...], method: .GET, parameters: &getParameters) {
                var context = context
                context.parameters = getParameters
                return try await handler(request, context)
            }
        }
        let allowed = root.allowedMethods(segments[...])
        if allowed.isEmpty { throw HTTPError(.notFound) }
        var names = allowed.map(\.rawValue)
        if allowed.contains(.GET) && !allowed.contains(.HEAD) { names.append("HEAD") }
        throw HTTPError(.methodNotAllowed, headers: ["Allow": names.sorted().joined(separator: ", ")])
    }
}
