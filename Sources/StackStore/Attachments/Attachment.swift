import StackJSON

/// Attachment metadata (SPEC §1): `{fileId, size, sha256, contentType, createdAt, createdBy}`.
public struct Attachment: Sendable, Hashable {
    public var fileId: String
    public var size: Int64
    /// Lowercase hex SHA-256 of the bytes (the attachment's ETag).
    public var sha256: String
    public var contentType: String
    public var createdAt: Timestamp
    public var createdBy: String

    /// The metadata as JSON; `POST /attachments` answers with it (SPEC §3).
    public var json: JSON {
        [
            "fileId": .string(fileId), "size": .int(size), "sha256": .string(sha256), "contentType": .string(contentType),
            "createdAt": .string(createdAt.rfc3339), "createdBy": .string(createdBy),
        ]
    }

    static let columns = "a.file_id, a.sha256, a.size, a.content_type, a.created_at, a.created_by"

    static func decode(_ row: Statement) -> Attachment {
        Attachment(
            fileId: row.text(0), size: row.int64(2), sha256: row.text(1), contentType: row.text(3),
            createdAt: Timestamp(milliseconds: row.int64(4)), createdBy: row.text(5))
    }
}

/// An attachment opened for reading a byte range: its metadata and the open file (see
/// `OpenBlob`: a descriptor, offset and length, for `sendfile(2)` or chunked reads).
public struct OpenAttachment: Sendable {
    public var attachment: Attachment
    public var file: OpenBlob
}

/// An upload in progress (SPEC §3 `POST /attachments`): bytes are streamed to a temporary file
/// and hashed on the way; ``finish()`` puts the blob in place, then stores the metadata row.
///
/// ```swift
/// let upload = try await store.beginAttachment(contentType: "image/png", maxSize: 100 << 20, as: principal)
/// for try await chunk in body { try await upload.write(chunk) }
/// let attachment = try await upload.finish()
/// ```
public final class AttachmentUpload: Sendable {
    let store: Store
    let writer: BlobWriter
    let contentType: String
    let principal: Principal

    init(store: Store, writer: BlobWriter, contentType: String, principal: Principal) {
        self.store = store
        self.writer = writer
        self.contentType = contentType
        self.principal = principal
    }

    /// Appends bytes. - Throws: ``StoreError/payloadTooLarge(limit:)`` past the limit (the upload is
    /// then aborted).
    public func write<Bytes: Collection & Sendable>(_ bytes: Bytes) async throws where Bytes.Element == UInt8 {
        do {
            try await writer.write(bytes)
        } catch {
            throw StoreError.wrap(error)
        }
    }

    /// Completes the upload: the blob is flushed and renamed into place, then the metadata is
    /// committed (with the idempotent response, when a stamp is given). Returns the new attachment.
    public func finish(idempotency: IdempotencyStamp<Attachment>? = nil) async throws -> Attachment {
        try await store.finishUpload(self, idempotency: idempotency)
    }

    /// Abandons the upload and removes its temporary file.
    public func abort() async { await writer.abort() }
}
