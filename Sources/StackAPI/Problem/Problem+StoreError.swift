import StackJSON
import StackStore

extension Problem {
    /// The one mapping from engine errors to HTTP problems (SPEC §2 status codes).
    ///
    /// - Parameters:
    ///   - error: what the store threw.
    ///   - path: the request path, for the indistinguishable 404 (SPEC §4).
    ///   - contentPointer: where record content sits in the request body (`/content` for
    ///     `POST /records`, `""` for a merge patch), so validation errors point into the body.
    ///   - log: where to report storage failures, which clients only see as a generic 500.
    static func from(
        _ error: StoreError, path: String, contentPointer: String = "/content", log: (String) -> Void = { _ in }
    ) -> Problem {
        switch error {
        case .notFound(let what):
            // The target of a new association is not the resource in the URL (see docs/API.md).
            if what.hasPrefix("target record") {
                return .unprocessable("The target record does not exist or is not readable.", errors: [.init(path: "/targetId", message: "no readable record with this id")])
            }
            return .notFound(path: path)
        case .unauthorized:
            return .unauthorized(invalidToken: false)
        case .forbidden(let why):
            return .forbidden(sentence(why))
        case .conflict(let why):
            return .conflict(sentence(why))
        case .preconditionFailed(let version):
            return .preconditionFailed(currentETag: Conditional.recordETag(version: version))
        case .invalidContent(let errors):
            return .unprocessable(
                "The content is not valid for its type.",
                errors: errors.map { .init(path: contentPointer + $0.instancePath.description, message: $0.message) })
        case .unknownType(let id):
            return .unprocessable("There is no type \"\(id)\".", errors: [.init(path: "/type", message: "unknown type")])
        case .invalidGrant(let index, let message):
            return .unprocessable(
                "A grant is invalid.", errors: [.init(path: "/permissions/\(index)", message: message)])
        case .invalidRequest(let message):
            return .badRequest(sentence(message))
        case .invalidSchema(let message, let pointer):
            // The error points into the request body: the schema is its `schema` member.
            return .badRequest("The schema is not a valid JSON Schema.", errors: [.init(path: "/schema" + pointer, message: message)])
        case .idempotencyKeyReused:
            return .unprocessable("This Idempotency-Key was used with a different request.")
        case .payloadTooLarge(let limit):
            return .payloadTooLarge(limit: Int(limit))
        case .rangeNotSatisfiable(let size):
            return .rangeNotSatisfiable(size: size)
        case .storage(let message):
            log("storage error: \(message)")
            return .internalError
        case .filesUnavailable(let message):
            // What `/health` reports as unhealthy: retry later, as for a server shutting down.
            log("blob folder unavailable: \(message)")
            return .serviceUnavailable("The server cannot read or write attachments right now; retry later.")
        case .unavailable:
            return .serviceUnavailable("The server is shutting down.")
        }
    }

    /// `"only the owner may …"` → `"Only the owner may …."`.
    private static func sentence(_ text: String) -> String {
        guard let first = text.first else { return text }
        let capitalised = first.uppercased() + text.dropFirst()
        return capitalised.hasSuffix(".") ? capitalised : capitalised + "."
    }
}
