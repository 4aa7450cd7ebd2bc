/// An error that knows the HTTP response it stands for. Routers and the server turn such errors
/// into their response; any other error becomes a bare 500 with no internals in the body.
///
/// ```swift
/// struct NotFound: HTTPResponseError {
///     var status: HTTPStatus { .notFound }
/// }
/// ```
public protocol HTTPResponseError: Error {
    /// The status of the response.
    var status: HTTPStatus { get }
    /// The response to send; by default the status with its reason phrase as a plain-text body.
    func response() -> Response
}

extension HTTPResponseError {
    public func response() -> Response {
        Response.text(status.reasonPhrase + "\n", status: status)
    }
}

/// A plain HTTP error: a status, optional extra fields and an optional safe message for the body.
///
/// ```swift
/// throw HTTPError(.badRequest, message: "id must be a number")
/// ```
public struct HTTPError: HTTPResponseError, Sendable, Equatable, CustomStringConvertible {
    /// The status of the response.
    public var status: HTTPStatus
    /// Extra fields for the response (e.g. `Allow` with 405, `Retry-After` with 429/503).
    public var headers: HTTPFields
    /// A message safe to show the client; the reason phrase when nil.
    public var message: String?

    /// Creates an error.
    public init(_ status: HTTPStatus, headers: HTTPFields = [:], message: String? = nil) {
        self.status = status
        self.headers = headers
        self.message = message
    }

    public func response() -> Response {
        var response = Response.text((message ?? status.reasonPhrase) + "\n", status: status)
        for field in headers { response.headers[field.name] = field.value }
        return response
    }

    public var description: String { "HTTPError(\(status)\(message.map { ": " + $0 } ?? ""))" }

    public static func == (lhs: HTTPError, rhs: HTTPError) -> Bool {
        lhs.status == rhs.status && lhs.message == rhs.message
    }
}

/// Thrown by ``ResponseBodyWriter/write(_:)`` (and body reads) when the peer has gone away.
public struct ConnectionClosedError: Error, Sendable, Equatable {}

extension Error {
    /// The response for an error escaping a handler: its own for ``HTTPResponseError``, else a bare 500.
    var httpResponse: Response {
        if let error = self as? any HTTPResponseError { return error.response() }
        return Response.text("Internal Server Error\n", status: .internalServerError)
    }
}
