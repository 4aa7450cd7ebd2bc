import StackHTTP

extension App {
    /// The answer to errors the HTTP server writes without reaching the API (malformed requests,
    /// oversized heads, timeouts, overload): problem+json with the security headers, like every
    /// other answer of the API (SPEC §2).
    static func serverErrorResponse(_ status: HTTPStatus) -> Response {
        let problem = Problem.forServerError(status: Int(status.code), title: status.reasonPhrase)
        var fields = HTTPFields()
        for header in problem.response.headers { fields.append(name: header.name, value: header.value) }
        for header in SecurityHeaders.all { fields.append(name: header.name, value: header.value) }
        return Response(status: status, headers: fields, body: .bytes(problem.response.body))
    }
}

extension Problem {
    /// A problem for a status the HTTP layer decided on its own (400, 408, 413, 414, 431, 501, 503, 505).
    static func forServerError(status: Int, title: String) -> Problem {
        let detail: String
        switch status {
        case 400: detail = "The request is not valid HTTP/1.1 and the connection was closed."
        case 408: detail = "The request was not received in time."
        case 413: detail = "The request body is larger than the server accepts."
        case 414: detail = "The request target is longer than the server accepts."
        case 431: detail = "The request header fields are larger than the server accepts."
        case 501: detail = "The request uses a method (CONNECT) or a transfer coding the server does not implement."
        case 503: detail = "The server is at its connection limit or shutting down; retry later."
        case 505: detail = "Only HTTP/1.x is supported."
        default: detail = title
        }
        let slug = title.lowercased().split(separator: " ").joined(separator: "-")
        return Problem(type: "urn:stack:problem:\(slug)", title: title, status: status, detail: detail)
    }
}
