/// Cross-origin rules (SPEC §2): any origin may call the API, since tokens travel in an explicit
/// header and no cookies are used, so there is no ambient authority to protect.
public enum CORS {
    /// Request headers a browser may send.
    public static let allowedHeaders = ["Authorization", "Content-Type", "If-Match", "If-None-Match", "Idempotency-Key", "Range", "Last-Event-ID"]
    /// Response headers a browser script may read.
    public static let exposedHeaders = [
        "ETag", "Location", "Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset",
        "Idempotent-Replayed", "Content-Range", "Accept-Ranges",
    ]
    /// How long a browser may cache a preflight answer, in seconds.
    public static let maxAge = 600

    /// Headers added to every response to a request that carried `Origin`.
    public static func responseHeaders(origin: String?) -> [(name: String, value: String)] {
        guard origin != nil else { return [] }
        return [
            ("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Expose-Headers", exposedHeaders.joined(separator: ", ")),
        ]
    }

    /// The answer to a preflight `OPTIONS` for a path that supports `methods`: 204 with the allowed
    /// methods and headers.
    public static func preflight(methods: [String]) -> APIResponse {
        APIResponse(
            status: 204,
            headers: [
                ("Access-Control-Allow-Origin", "*"),
                ("Access-Control-Allow-Methods", (methods + ["OPTIONS"]).joined(separator: ", ")),
                ("Access-Control-Allow-Headers", allowedHeaders.joined(separator: ", ")),
                ("Access-Control-Expose-Headers", exposedHeaders.joined(separator: ", ")),
                ("Access-Control-Max-Age", String(maxAge)),
                ("Allow", (methods + ["OPTIONS"]).joined(separator: ", ")),
            ])
    }
}

/// Headers every response carries (SPEC §2).
public enum SecurityHeaders {
    public static let all: [(name: String, value: String)] = [("X-Content-Type-Options", "nosniff")]
}
