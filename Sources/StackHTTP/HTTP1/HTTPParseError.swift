/// A request the parser refuses. Each case carries the status to answer with; the connection is
/// always closed afterwards, because the framing of whatever follows cannot be trusted (RFC 9112 §6.3, §11.2).
public struct HTTPParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The status to answer with: 400, 413, 414, 431, 501 or 505.
    public let status: HTTPStatus
    /// A short, fixed, developer-facing reason; never contains request bytes.
    public let reason: String

    init(_ status: HTTPStatus, _ reason: String) {
        self.status = status
        self.reason = reason
    }

    public var description: String { "\(status.code): \(reason)" }

    static func bad(_ reason: String) -> HTTPParseError { HTTPParseError(.badRequest, reason) }
}
