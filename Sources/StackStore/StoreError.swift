import StackJSON

/// What went wrong, in the engine's terms; the API layer maps each case to one HTTP status.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Absent, or present but not readable by the caller (the two are indistinguishable, SPEC §4). → 404
    case notFound(String)
    /// No principal, or one that cannot act (an unauthenticated mutation). → 401
    case unauthorized
    /// Readable but not writable, or an owner-only operation. → 403
    case forbidden(String)
    /// An id or type id that is taken. → 409
    case conflict(String)
    /// An `If-Match` version did not match; carries the record's current version. → 412
    case preconditionFailed(currentVersion: Int)
    /// Content (or a merge result) not valid for its type; the errors point into the content. → 422
    case invalidContent([ValidationError])
    /// The record's type is not registered. → 422
    case unknownType(String)
    /// A grant in a permissions list is invalid: its index and why. → 422
    case invalidGrant(index: Int, message: String)
    /// A request that cannot be honoured as given (bad id, bad relation, bad cursor, limit…). → 400
    case invalidRequest(String)
    /// A JSON Schema that does not compile; `pointer` is where in it (a JSON Pointer, `""` for the
    /// root). → 400
    case invalidSchema(String, pointer: String = "")
    /// An idempotency key reused with a different request. → 422
    case idempotencyKeyReused
    /// An upload past the size limit. → 413
    case payloadTooLarge(limit: Int64)
    /// A byte range outside the attachment; carries its size. → 416
    case rangeNotSatisfiable(size: Int64)
    /// The database failed; the message is for logs, not for clients. → 500
    case storage(String)
    /// The blob folder cannot be read or written now (missing, not writable, full): the state
    /// `/health` reports as unhealthy. The message is for logs, not for clients. → 503
    case filesUnavailable(String)
    /// The store is closed or shutting down. → 503
    case unavailable

    public var description: String {
        switch self {
        case .notFound(let what): return "not found: \(what)"
        case .unauthorized: return "authentication required"
        case .forbidden(let why): return "forbidden: \(why)"
        case .conflict(let why): return "conflict: \(why)"
        case .preconditionFailed(let version): return "precondition failed: the current version is \(version)"
        case .invalidContent(let errors): return "invalid content: " + errors.map(\.description).joined(separator: "; ")
        case .unknownType(let id): return "unknown type \"\(id)\""
        case .invalidGrant(let index, let message): return "invalid grant at index \(index): \(message)"
        case .invalidRequest(let message): return message
        case .invalidSchema(let message, _): return "invalid schema: \(message)"
        case .idempotencyKeyReused: return "the idempotency key was used with a different request"
        case .payloadTooLarge(let limit): return "larger than the limit of \(limit) bytes"
        case .rangeNotSatisfiable(let size): return "the range is outside the attachment's \(size) bytes"
        case .storage(let message): return "storage error: \(message)"
        case .filesUnavailable(let message): return "blob folder unavailable: \(message)"
        case .unavailable: return "the store is closed"
        }
    }

    /// Converts any error thrown inside the engine into a ``StoreError``.
    static func wrap(_ error: any Error) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? BlobStoreError {
            switch error {
            case .tooLarge(let limit): return .payloadTooLarge(limit: limit)
            case .invalidRange(let size): return .rangeNotSatisfiable(size: size)
            case .io: return .filesUnavailable(error.description)
            default: return .storage(error.description)
            }
        }
        return .storage(String(describing: error))
    }
}
