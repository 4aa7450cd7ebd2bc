import StackJSON

/// An RFC 9457 problem detail: the body of every error response (SPEC §2).
///
/// ```swift
/// throw Problem.notFound(path: "/records/abc")
/// // 404, Content-Type: application/problem+json
/// // {"type":"urn:stack:problem:not-found","title":"Not Found","status":404,
/// //  "detail":"Nothing readable at /records/abc.","instance":"/records/abc"}
/// ```
///
/// `detail` is written for people and never holds a stack trace, SQL text, a file path or a token.
public struct Problem: Error, Sendable, Equatable {
    /// One validation failure: where in the request body, and what is wrong there.
    public struct FieldError: Sendable, Equatable {
        /// A JSON Pointer into the request body (`""` for the body itself).
        public var path: String
        public var message: String

        public init(path: String, message: String) {
            self.path = path
            self.message = message
        }
    }

    /// A URI naming the kind of problem, stable for programs to match on (`urn:stack:problem:…`).
    public var type: String
    /// A short summary of the kind (the same for every problem of one `type`).
    public var title: String
    /// The HTTP status code.
    public var status: Int
    /// What happened this time.
    public var detail: String
    /// The request path, when known.
    public var instance: String?
    /// Validation failures, for 400 and 422.
    public var errors: [FieldError]
    /// Extra response headers (`WWW-Authenticate`, `Allow`, `Retry-After`…).
    public var headers: [(name: String, value: String)]

    public init(
        type: String, title: String, status: Int, detail: String, instance: String? = nil, errors: [FieldError] = [],
        headers: [(name: String, value: String)] = []
    ) {
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail
        self.instance = instance
        self.errors = errors
        self.headers = headers
    }

    /// The problem as a JSON object: `{type, title, status, detail, instance?, errors?}`.
    public var json: JSON {
        var object: JSONObject = [
            "type": .string(type), "title": .string(title), "status": .int(status), "detail": .string(detail),
        ]
        if let instance { object["instance"] = .string(instance) }
        if !errors.isEmpty {
            object["errors"] = .array(errors.map { .object(["path": .string($0.path), "message": .string($0.message)]) })
        }
        return .object(object)
    }

    /// The response for this problem.
    public var response: APIResponse {
        var response = APIResponse(status: status, json: json, contentType: MediaTypes.problemJSON)
        for header in headers { response.headers.append(header) }
        return response
    }

    public static func == (lhs: Problem, rhs: Problem) -> Bool {
        lhs.type == rhs.type && lhs.title == rhs.title && lhs.status == rhs.status && lhs.detail == rhs.detail
            && lhs.instance == rhs.instance && lhs.errors == rhs.errors
            && lhs.headers.map(\.name) == rhs.headers.map(\.name) && lhs.headers.map(\.value) == rhs.headers.map(\.value)
    }
}

extension Problem {
    private static func make(_ slug: String, _ title: String, _ status: Int, _ detail: String) -> Problem {
        Problem(type: "urn:stack:problem:\(slug)", title: title, status: status, detail: detail)
    }

    /// 400: the request or a parameter is malformed.
    public static func badRequest(_ detail: String, errors: [FieldError] = []) -> Problem {
        var problem = make("bad-request", "Bad Request", 400, detail)
        problem.errors = errors
        return problem
    }

    /// 400: the body is not JSON.
    public static func malformedJSON(_ error: JSONParseError) -> Problem {
        badRequest("The request body is not valid JSON: \(error.message) at byte \(error.offset).")
    }

    /// 401 with `WWW-Authenticate: Bearer` (RFC 6750 §3). `invalidToken` adds `error="invalid_token"`
    /// for a token that was sent but is unknown, expired or revoked.
    public static func unauthorized(invalidToken: Bool) -> Problem {
        var problem = make(
            "unauthorized", "Unauthorized", 401,
            invalidToken ? "The bearer token is unknown, expired or revoked." : "This request needs a bearer token.")
        problem.headers.append(
            (
                "WWW-Authenticate",
                invalidToken ? "Bearer realm=\"stack\", error=\"invalid_token\"" : "Bearer realm=\"stack\""
            ))
        return problem
    }

    /// 403: authenticated, allowed to see the resource, not allowed to do this.
    public static func forbidden(_ detail: String) -> Problem {
        make("forbidden", "Forbidden", 403, detail)
    }

    /// 404: absent or unreadable — the same body either way apart from the path (SPEC §4).
    public static func notFound(path: String) -> Problem {
        var problem = make("not-found", "Not Found", 404, "Nothing readable at \(path).")
        problem.instance = path
        return problem
    }

    /// 405 with `Allow` (RFC 9110 §15.5.6).
    public static func methodNotAllowed(_ method: String, allowed: [String]) -> Problem {
        var problem = make("method-not-allowed", "Method Not Allowed", 405, "\(method) is not supported here.")
        problem.headers.append(("Allow", allowed.joined(separator: ", ")))
        return problem
    }

    /// 499 (nginx's convention, never sent): the client closed the connection before its request
    /// was read whole. Only the access log shows it.
    public static let clientClosedRequest = Problem(
        type: "urn:stack:problem:client-closed-request", title: "Client Closed Request", status: 499,
        detail: "The client closed the connection before its request was read.")

    /// 409: an id already taken, or an idempotency key still in flight.
    public static func conflict(_ detail: String) -> Problem {
        make("conflict", "Conflict", 409, detail)
    }

    /// 412: `If-Match` failed.
    public static func preconditionFailed(currentETag: String?) -> Problem {
        var problem = make(
            "precondition-failed", "Precondition Failed", 412,
            "If-Match does not match the current version\(currentETag.map { " (\($0))" } ?? "").")
        if let currentETag { problem.headers.append(("ETag", currentETag)) }
        return problem
    }

    /// 413: a body over its limit.
    public static func payloadTooLarge(limit: Int) -> Problem {
        make("payload-too-large", "Content Too Large", 413, "The request body is larger than \(limit) bytes.")
    }

    /// 415: a JSON endpoint got another media type.
    public static func unsupportedMediaType(expected: [String], got: String?) -> Problem {
        make(
            "unsupported-media-type", "Unsupported Media Type", 415,
            "Send the body as \(expected.joined(separator: " or "))\(got.map { ", not \($0)" } ?? " with a Content-Type header").")
    }

    /// 416 with `Content-Range: bytes */size` (RFC 9110 §14.4).
    public static func rangeNotSatisfiable(size: Int64) -> Problem {
        var problem = make("range-not-satisfiable", "Range Not Satisfiable", 416, "The range is outside the \(size) bytes.")
        problem.headers.append(("Content-Range", "bytes */\(size)"))
        return problem
    }

    /// 422: well-formed but invalid, with one entry per failure.
    public static func unprocessable(_ detail: String, errors: [FieldError] = []) -> Problem {
        var problem = make("unprocessable", "Unprocessable Content", 422, detail)
        problem.errors = errors
        return problem
    }

    /// 429 with `Retry-After` and the rate-limit headers.
    public static func tooManyRequests(_ decision: RateLimitDecision, detail: String = "Too many requests; slow down.")
        -> Problem
    {
        var problem = make("rate-limited", "Too Many Requests", 429, detail)
        problem.headers.append(("Retry-After", String(decision.retryAfterSeconds)))
        problem.headers.append(contentsOf: decision.headers)
        return problem
    }

    /// 503, while shutting down or unhealthy.
    public static func serviceUnavailable(_ detail: String) -> Problem {
        var problem = make("unavailable", "Service Unavailable", 503, detail)
        problem.headers.append(("Retry-After", "5"))
        return problem
    }

    /// 500 for anything unexpected: a generic body, the cause goes to the log only.
    public static var internalError: Problem {
        make("internal", "Internal Server Error", 500, "The server could not complete the request.")
    }
}
