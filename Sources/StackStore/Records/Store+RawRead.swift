import StackJSON

/// A record's current state as stored: the same fields as ``Record``, with `content` and
/// `permissions` as the JSON text the store wrote, never parsed.
///
/// Every write stores content and grants as ``JSONSerializer``'s compact output, so these bytes
/// are exactly what serializing the parsed value would give: an API can splice them into its
/// answer and skip a parse and a serialization per record.
public struct StoredRecord: Sendable, Hashable {
    public var id: String
    public var type: String
    /// The content object as compact JSON text (UTF-8).
    public var contentJSON: [UInt8]
    public var version: Int
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
    public var createdBy: String
    public var deletedAt: Timestamp?
    /// The grants as a compact JSON array; `nil` when the caller may not see them (SPEC §4:
    /// non-owners see `permissions` only on records they created).
    public var permissionsJSON: [UInt8]?

    public init(
        id: String, type: String, contentJSON: [UInt8], version: Int, createdAt: Timestamp, updatedAt: Timestamp,
        createdBy: String, deletedAt: Timestamp?, permissionsJSON: [UInt8]?
    ) {
        self.id = id
        self.type = type
        self.contentJSON = contentJSON
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.createdBy = createdBy
        self.deletedAt = deletedAt
        self.permissionsJSON = permissionsJSON
    }
}

extension Store {
    /// The record `id` as `principal` may see it, with its content and permissions as stored JSON
    /// text: the same record, the same checks and the same errors as
    /// ``record(_:includeDeleted:as:)``, without parsing the content.
    /// - Parameter includeDeleted: honoured for the owner only; others never see soft-deleted records.
    /// - Throws: `notFound` when absent, soft-deleted (unless the owner asks) or unreadable.
    public func storedRecord(_ id: String, includeDeleted: Bool = false, as principal: Principal?) async throws -> StoredRecord {
        try await readableRow(id, includeDeleted: includeDeleted, as: principal) { row in StoredRecord.decode(row, for: principal) }
    }
}

extension StoredRecord {
    /// Decodes a row selected with ``RecordRows/columns``, hiding the grants from whoever may not
    /// see them.
    static func decode(_ row: Statement, for principal: Principal?) -> StoredRecord {
        let createdBy = row.text(7)
        let seesPermissions = principal.map { $0.isOwner || $0.entityId == createdBy } ?? false
        return StoredRecord(
            id: row.text(1), type: row.text(2), contentJSON: row.bytes(3), version: row.int(4),
            createdAt: Timestamp(milliseconds: row.int64(5)), updatedAt: Timestamp(milliseconds: row.int64(6)),
            createdBy: createdBy, deletedAt: row.optionalInt64(8).map(Timestamp.init(milliseconds:)),
            permissionsJSON: seesPermissions ? row.bytes(9) : nil)
    }
}
