import StackJSON

/// The SQL of one record's rows: the current state (which is also the current version) in
/// `records`, its earlier versions in `versions`, its grants, group memberships, file references
/// and change events. Runs on a connection inside the caller's transaction.
enum RecordRows {
    static let columns =
        "r.rid, r.id, r.type, r.content, r.version, r.created_at, r.updated_at, r.created_by, r.deleted_at, r.permissions"

    /// Decodes a row selected with ``columns`` (starting at column `offset`), with its grants.
    static func decode(_ row: Statement, offset: Int32 = 0) throws -> (rid: Int64, record: Record) {
        let o = offset
        var grants: [Grant] = []
        let permissionBytes = row.bytes(o + 9)
        if permissionBytes != Array("[]".utf8) {
            for (index, element) in (try JSON(parsing: permissionBytes).arrayValue ?? []).enumerated() {
                grants.append(try Grant(json: element, index: index))
            }
        }
        let record = Record(
            id: row.text(o + 1), type: row.text(o + 2), content: try JSON(parsing: row.bytes(o + 3)), version: row.int(o + 4),
            createdAt: Timestamp(milliseconds: row.int64(o + 5)), updatedAt: Timestamp(milliseconds: row.int64(o + 6)),
            createdBy: row.text(o + 7), deletedAt: row.optionalInt64(o + 8).map(Timestamp.init(milliseconds:)),
            permissions: grants)
        return (row.int64(o), record)
    }

    /// The record with public id `id`, deleted or not.
    static func load(id: String, db: Database) throws -> (rid: Int64, record: Record)? {
        try db.fetchOne("SELECT \(columns) FROM records r WHERE r.id = ?", [id]) { try decode($0) }
    }

    /// Inserts the record's row: its current state, which is also its current version (made at
    /// `versionAt` by `versionBy` through `operation`; for a new record, its creation).
    static func insert(
        _ record: Record, text: RecordText, versionAt: Timestamp, versionBy: String, operation: VersionOperation,
        db: Database
    ) throws -> Int64 {
        let grants = record.permissions ?? []
        try db.execute(
            """
            INSERT INTO records (id, type, content, version, created_at, updated_at, created_by, deleted_at, is_public, permissions,
                version_at, version_by, version_op, indexed)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                record.id, record.type, text.content, record.version, record.createdAt.milliseconds, record.updatedAt.milliseconds,
                record.createdBy, record.deletedAt?.milliseconds, grants.contains(.public), Grant.json(grants).serializedString(),
                versionAt.milliseconds, versionBy, operation.rawValue, text.indexed,
            ])
        return db.lastInsertRowID
    }

    /// Inserts a new record's row as its version 1, made at its creation by its creator.
    static func insert(_ record: Record, text: RecordText, db: Database) throws -> Int64 {
        try insert(record, text: text, versionAt: record.createdAt, versionBy: record.createdBy, operation: .create, db: db)
    }

    /// Makes `record` (content, version, `updatedAt`, `deletedAt`) the current version of row
    /// `rid`, written at `record.updatedAt` by `by` through `operation`. The version it replaces
    /// is first kept in `versions` (the current version lives in `records` only).
    /// - Parameter indexed: the new `records.indexed`, or `nil` when it stays as it is; then
    ///   SQLite leaves the type's indexes alone (it rewrites an index only when the `UPDATE`
    ///   sets a column the index reads).
    static func writeNewVersion(
        rid: Int64, record: Record, contentText: String, indexed: String??, by: String, operation: VersionOperation, db: Database
    ) throws {
        try db.execute(
            """
            INSERT INTO versions (rid, version, content, created_at, created_by, operation)
            SELECT rid, version, content, version_at, version_by, version_op FROM records WHERE rid = ?
            """, [rid])
        var arguments: StatementArguments = [
            contentText, record.version, record.updatedAt.milliseconds, record.deletedAt?.milliseconds,
            record.updatedAt.milliseconds, by, operation.rawValue,
        ]
        let set = "content = ?, version = ?, updated_at = ?, deleted_at = ?, version_at = ?, version_by = ?, version_op = ?"
        if let indexed {
            arguments += [indexed, rid]
            try db.execute("UPDATE records SET \(set), indexed = ? WHERE rid = ?", arguments)
        } else {
            arguments.append(rid)
            try db.execute("UPDATE records SET \(set) WHERE rid = ?", arguments)
        }
    }

    /// An earlier version, kept by the import (which writes the current one into `records`).
    static func insertEarlierVersion(
        rid: Int64, version: Int, contentText: String, at: Timestamp, by: String, operation: VersionOperation, db: Database
    ) throws {
        try db.execute(
            "INSERT INTO versions (rid, version, content, created_at, created_by, operation) VALUES (?, ?, ?, ?, ?, ?)",
            [rid, version, contentText, at.milliseconds, by, operation.rawValue])
    }

    /// Appends a change event in the current transaction; returns its `seq`.
    static func appendChange(
        rid: Int64, record: Record, operation: ChangeOperation, at: Timestamp, db: Database
    ) throws -> Int64 {
        try db.execute(
            "INSERT INTO changes (rid, record_id, type, version, operation, at) VALUES (?, ?, ?, ?, ?, ?)",
            [rid, record.id, record.type, record.version, operation.rawValue, at.milliseconds])
        return db.lastInsertRowID
    }

    /// Replaces the record's entity and group grants (the public grant is `records.is_public`).
    static func writeGrants(rid: Int64, grants: [Grant], replacing: Bool = true, db: Database) throws {
        if replacing { try db.execute("DELETE FROM grants WHERE rid = ?", [rid]) }
        for grant in grants {
            switch grant {
            case .public: continue
            case .entity(let id, let read, let write):
                try db.execute(
                    "INSERT OR REPLACE INTO grants (rid, kind, subject, can_read, can_write) VALUES (?, 'entity', ?, ?, ?)",
                    [rid, id, read, write])
            case .group(let id, let read, let write):
                try db.execute(
                    "INSERT OR REPLACE INTO grants (rid, kind, subject, can_read, can_write) VALUES (?, 'group', ?, ?, ?)",
                    [rid, id, read, write])
            }
        }
    }

    /// Keeps `group_members` equal to the members of owner-created, non-deleted group records
    /// (SPEC §1 group, §4).
    static func syncGroupMembers(rid: Int64, record: Record, ownerEntityId: String, db: Database) throws {
        guard record.type == BuiltInTypeIDs.group else { return }
        try db.execute("DELETE FROM group_members WHERE group_rid = ?", [rid])
        guard record.deletedAt == nil, record.createdBy == ownerEntityId else { return }
        for member in Set((record.content["members"]?.arrayValue ?? []).compactMap(\.stringValue)) {
            try db.execute(
                "INSERT OR IGNORE INTO group_members (group_id, entity_id, group_rid) VALUES (?, ?, ?)", [record.id, member, rid])
        }
    }

    /// Records which attachments the content refers to: every string value equal to an existing
    /// fileId (SPEC §1 attachment). References accumulate over versions.
    static func recordFileReferences(rid: Int64, content: JSON, db: Database) throws {
        var candidates = Set<String>()
        collectFileIDCandidates(content, into: &candidates)
        for fileId in candidates {
            try db.execute(
                "INSERT OR IGNORE INTO file_refs (file_id, rid) SELECT file_id, ? FROM attachments WHERE file_id = ?", [rid, fileId])
        }
    }

    private static func collectFileIDCandidates(_ value: JSON, into set: inout Set<String>) {
        switch value {
        case .string(let s): if AttachmentID.isCandidate(s) { set.insert(s) }
        case .array(let a): for v in a { collectFileIDCandidates(v, into: &set) }
        case .object(let o): for (_, v) in o { collectFileIDCandidates(v, into: &set) }
        default: break
        }
    }
}

/// The texts a record's row holds: its content, and that content cut down to its type's index
/// paths (``IndexedValues``; `nil` when the type indexes nothing).
struct RecordText: Sendable {
    var content: String
    var indexed: String?

    init(_ content: JSON, type: IndexedValues) {
        self.content = content.serializedString()
        indexed = type.text(of: content)
    }
}

/// Attachment ids: `f` followed by a time-sortable record-style id (27 characters).
enum AttachmentID {
    static func generate() -> String { "f" + RecordID.generate() }

    /// Cheap shape test before a database lookup.
    static func isCandidate(_ s: String) -> Bool { s.utf8.count == 27 && s.utf8.first == UInt8(ascii: "f") }
}
