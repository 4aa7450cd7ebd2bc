/// Who may call a route (SPEC §3 "auth" column).
public enum RouteAccess: Sendable {
    /// No token needed; a bad token is still 401 (SPEC §2).
    case anonymous
    /// Anyone; the answer depends on who asks.
    case optional
    /// Any valid token.
    case authenticated
    /// Owner tokens only (others 403).
    case owner
}

/// One route: a method, a path pattern with `:name` segments, who may call it, and its handler.
public struct Route: Sendable {
    public typealias Handler = @Sendable (RequestContext) async throws -> APIResponse

    public var method: String
    /// `/records/:id/versions/:version`.
    public var pattern: String
    public var access: RouteAccess
    /// Whether `Idempotency-Key` applies (POSTs that create something, SPEC §2).
    public var isCreating: Bool
    /// The query parameters the route reads; any other is 400 (SPEC §5).
    public var queryParameters: Set<String>
    /// A prefix of further accepted parameter names (`content.` on `GET /records`).
    public var queryPrefix: String?
    public var handler: Handler

    let segments: [Segment]
    /// How many segments are literal (more literal patterns win).
    let literalCount: Int

    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    public init(
        _ method: String, _ pattern: String, access: RouteAccess, creates: Bool = false, query: Set<String> = [],
        queryPrefix: String? = nil, handler: @escaping Handler
    ) {
        self.method = method
        self.pattern = pattern
        self.access = access
        self.isCreating = creates
        self.queryParameters = query
        self.queryPrefix = queryPrefix
        self.handler = handler
        self.segments = pattern.split(separator: "/").map { part in
            part.hasPrefix(":") ? .parameter(String(part.dropFirst())) : .literal(String(part))
        }
        self.literalCount = segments.filter { if case .literal = $0 { true } else { false } }.count
    }

    /// The OpenAPI spelling of the pattern: `/records/{id}`.
    public var openAPIPath: String {
        "/" + segments.map { segment in
            switch segment {
            case .literal(let text): text
            case .parameter(let name): "{\(name)}"
            }
        }.joined(separator: "/")
    }

    /// Whether `path` fits the pattern (without collecting parameters).
    func matches(_ path: [String]) -> Bool {
        guard path.count == segments.count else { return false }
        for (segment, part) in zip(segments, path) {
            if case .literal(let text) = segment, text != part { return false }
        }
        return true
    }

    func match(_ path: [String]) -> [String: String]? {
        guard path.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, part) in zip(segments, path) {
            switch segment {
            case .literal(let text): guard text == part else { return nil }
            case .parameter(let name): parameters[name] = part
            }
        }
        return parameters
    }
}

/// Finds the route for a method and path; knows every path's methods for `405 Allow` and CORS.
public struct Router: Sendable {
    public private(set) var routes: [Route] = []

    public init(_ routes: [Route] = []) {
        self.routes = routes
    }

    public mutating func add(_ route: Route) {
        routes.append(route)
    }

    /// What the router found for a request.
    public enum Match {
        case found(Route, parameters: [String: String])
        /// The path exists, the method does not: the allowed methods (with HEAD and OPTIONS).
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    /// Matches decoded path segments. Literal segments win over parameters: a path is the
    /// resource of its most literal patterns only, so `/records/query` is never taken for the
    /// record `query` (SPEC §3: `query` is reserved), whatever the method (`GET /records/query` is
    /// `405`, `Allow: POST, OPTIONS`). Among equal patterns, the first added wins.
    public func match(method: String, path: [String]) -> Match {
        let lookup = method == "HEAD" ? "GET" : method
        // One pass, no allocation on the way to a match: the most literal matching pattern so
        // far, and the first route of it with the method.
        var literal = -1
        var found: Int?
        for index in routes.indices where routes[index].matches(path) {
            let count = routes[index].literalCount
            if count > literal {
                literal = count
                found = nil
            }
            if count == literal, found == nil, routes[index].method == lookup { found = index }
        }
        guard literal >= 0 else { return .notFound }
        if let found { return .found(routes[found], parameters: routes[found].match(path) ?? [:]) }
        let resource = routes.filter { $0.matches(path) && $0.literalCount == literal }
        return .methodNotAllowed(allowed: Self.allowed(resource.map(\.method)))
    }

    /// The methods a path allows, as `Allow` lists them.
    static func allowed(_ methods: [String]) -> [String] {
        var result: [String] = []
        for method in ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] {
            if method == "HEAD" ? methods.contains("GET") : (methods.contains(method) || method == "OPTIONS") {
                result.append(method)
            }
        }
        return result
    }

    /// Splits and percent-decodes a path (`/records/a%20b` → `["records", "a b"]`); `nil` when the
    /// path is not absolute or an escape is malformed.
    public static func segments(of path: String) -> [String]? {
        guard path.hasPrefix("/") else { return nil }
        if path == "/" { return [] }
        var result: [String] = []
        for part in path.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            guard !part.isEmpty, let decoded = percentDecode(part) else { return nil }
            result.append(decoded)
        }
        return result
    }

    private static func percentDecode(_ text: Substring) -> String? {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return String(text) }
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue)
                else { return nil }
                bytes.append(high << 4 | low)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
