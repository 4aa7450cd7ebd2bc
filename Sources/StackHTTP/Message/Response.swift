/// An HTTP response: status, fields and a body that is bytes, a file region or a stream.
///
/// The server adds `Date`, and `Content-Length` or `Transfer-Encoding: chunked`; any framing fields
/// set by the handler are replaced. `HEAD` requests and 1xx/204/304 statuses get no body.
///
/// ```swift
/// Response(status: .ok, headers: ["Content-Type": "text/plain"], body: .string("Hello, world!"))
/// Response(status: .noContent)
/// try Response(status: .ok, body: .file(atPath: "/tmp/big.bin"))
/// ```
public struct Response: Sendable {
    /// The status.
    public var status: HTTPStatus
    /// The header fields; names must be tokens and values must not contain CR, LF or NUL
    /// (otherwise the server answers 500 instead, RFC 9110 §5.5).
    public var headers: HTTPFields
    /// The body.
    public var body: ResponseBody

    /// Creates a response.
    public init(status: HTTPStatus = .ok, headers: HTTPFields = [:], body: ResponseBody = .empty) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A `text/plain; charset=utf-8` response.
    public static func text(_ text: String, status: HTTPStatus = .ok) -> Response {
        Response(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: .string(text))
    }
}
