/// An HTTP request as handlers see it: head, lazily decoded query, a streaming body, and the peer.
///
/// ```swift
/// router.on("/echo", method: .POST) { request, context in
///     let bytes = try await request.body.collect(upTo: 1 << 20)   // 413 past 1 MiB
///     return Response(status: .ok, headers: ["Content-Type": "application/octet-stream"], body: .bytes(bytes))
/// }
/// ```
public struct Request: Sendable {
    /// The request method.
    public var method: HTTPMethod
    /// The request target as sent (path and query, still percent-encoded).
    public var target: String
    /// The protocol version.
    public var version: HTTPVersion
    /// The header fields.
    public var headers: HTTPFields
    /// The body, read incrementally or collected; empty when the request has none.
    public var body: RequestBody
    /// The address of the connected peer (the client, or the proxy in front of it).
    public var peer: SocketAddress

    /// Creates a request (used by the server, and by tests that call a router directly).
    public init(
        method: HTTPMethod,
        target: String,
        version: HTTPVersion = .http1_1,
        headers: HTTPFields = [:],
        body: RequestBody = .empty,
        peer: SocketAddress = .unspecified
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
        self.peer = peer
    }

    /// The path part of the target, still percent-encoded (everything before `?`).
    public var path: Substring {
        if let q = target.utf8.firstIndex(of: UInt8(ascii: "?")) { return target[..<q] }
        return target[...]
    }

    /// The raw query string after `?`, or nil when there is none.
    public var queryString: Substring? {
        guard let q = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return nil }
        return target[target.utf8.index(after: q)...]
    }

    /// The query string decoded into a multimap (`application/x-www-form-urlencoded` rules).
    public var query: QueryItems { QueryItems(queryString.map(String.init) ?? "") }
}
