/// The parsed head of a request: request line, fields and the framing the parser derived from them.
public struct RequestHead: Sendable {
    /// The request method.
    public var method: HTTPMethod
    /// The request target exactly as sent (origin-form `"/path?query"`, or `"*"`).
    public var target: String
    /// The protocol version.
    public var version: HTTPVersion
    /// The header fields, in order, repeats kept.
    public var headers: HTTPFields
    /// How the body is delimited (RFC 9112 §6.3).
    public var framing: BodyFraming
    /// Whether the connection may stay open after the response (RFC 9112 §9.3).
    public var keepAlive: Bool
    /// Whether the client sent `Expect: 100-continue` (RFC 9110 §10.1.1).
    public var expectsContinue: Bool

    /// How a request body is delimited.
    public enum BodyFraming: Sendable, Hashable {
        /// No body.
        case none
        /// Exactly this many bytes (`Content-Length`).
        case length(Int)
        /// `Transfer-Encoding: chunked`.
        case chunked
    }
}
