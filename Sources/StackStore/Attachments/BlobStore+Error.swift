/// What can go wrong in the blob store.
///
/// `io` carries the file path for logs; the API layer must not show it to clients (SPEC §2: never a
/// file path in an error response) — map it to a bare 500.
public enum BlobStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bytes written exceed the writer's `maxSize` (SPEC §3 Attachments: 413). The writer has
    /// removed its temporary file.
    case tooLarge(limit: Int64)
    /// The text is not a 64-character lowercase hex SHA-256 digest.
    case invalidDigest(String)
    /// No blob has this digest.
    case notFound(sha256: String)
    /// The requested byte range does not lie within the blob (SPEC §3: 416); `size` is the blob's size.
    case invalidRange(size: Int64)
    /// A writer was used after `finish`, `abort` or a failure, or an `OpenBlob` after `close`.
    case closed
    /// A system call failed.
    case io(operation: String, path: String, errno: Int32)

    public var description: String {
        switch self {
        case .tooLarge(let limit): "blob larger than the limit of \(limit) bytes"
        case .invalidDigest(let text): "not a SHA-256 hex digest: \(text.prefix(80))"
        case .notFound(let sha256): "no blob \(sha256)"
        case .invalidRange(let size): "byte range outside a blob of \(size) bytes"
        case .closed: "blob writer or open blob already closed"
        case .io(let operation, let path, let code): "\(operation) \(path) failed: errno \(code)"
        }
    }
}
