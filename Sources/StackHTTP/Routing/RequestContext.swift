/// The per-request value handed to middleware and handlers, created fresh for every request.
///
/// Make your own to carry state between middleware and handlers (e.g. the authenticated user):
/// ```swift
/// struct AppContext: RequestContext {
///     var parameters = Parameters()
///     var principal: String? = nil
///     init() {}
/// }
/// var router = Router<AppContext>()
/// router.use { request, context, next in
///     var context = context
///     context.principal = try authenticate(request)   // throws HTTPError(.unauthorized)
///     return try await next(request, context)
/// }
/// ```
public protocol RequestContext: Sendable {
    /// Creates the context for a new request.
    init()
    /// The route parameters, filled in by the router before the handler runs.
    var parameters: Parameters { get set }
}

/// A context with route parameters only.
public struct BasicRequestContext: RequestContext {
    public var parameters = Parameters()
    public init() {}
}

/// Route parameters (`:name` segments), percent-decoded.
///
/// ```swift
/// // route "/records/:id/versions/:version", request "/records/a%20b/versions/3"
/// context.parameters["id"]                           // "a b"
/// try context.parameters.require("version", as: Int.self)   // 3, or 400 if not an Int
/// ```
public struct Parameters: Sendable, Sequence {
    var storage: [(name: String, value: String)] = []

    /// No parameters.
    public init() {}

    /// The value of a parameter, or nil.
    public subscript(name: String) -> String? {
        storage.first { $0.name == name }?.value
    }

    /// The value of a parameter.
    /// - Throws: ``HTTPError`` 400 when it is missing.
    public func require(_ name: String) throws -> String {
        guard let value = self[name] else { throw HTTPError(.badRequest, message: "missing parameter \(name)") }
        return value
    }

    /// The value of a parameter converted to `T`.
    /// - Throws: ``HTTPError`` 400 when it is missing or does not convert.
    public func require<T: LosslessStringConvertible>(_ name: String, as type: T.Type) throws -> T {
        guard let value = T(try require(name)) else {
            throw HTTPError(.badRequest, message: "invalid parameter \(name)")
        }
        return value
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { storage.makeIterator() }

    mutating func append(_ name: String, _ value: String) { storage.append((name, value)) }
}
