import StackJSON

extension Store {
    /// A record's versions, newest first (SPEC §3 `GET /records/:id/versions`).
    /// - Parameters:
    ///   - limit: 1…1000.
    ///   - cursor: the `nextCursor` of the previous page.
    /// - Throws: `notFound` when the record is absent, deleted (unless the owner asks with
    ///   `includeDeleted`) or unreadable; `invalidRequest` for a bad limit or cursor.
    public func versions(
        of id: String, limit: Int = 50, cursor: String? = nil, includeDeleted: Bool = false, as principal: Principal?
    ) async throws -> Page<VersionSummary> {
        let limit = try Store.checkLimit(limit)
        var before = Int.max
        if let cursor {
            guard let value = Cursor.decodeVersion(cursor) else { throw StoreError.invalidRequest("invalid cursor") }
            before = value
        }
        let readable = AccessRules.readable("r", by: principal)
        let showDeleted = includeDeleted && principal?.isOwner == true
        let start = before
        let rows = try await read { db -> [VersionSummary]? in
            guard
                let rid = try db.fetchOne(
                    "SELECT r.rid FROM records r WHERE r.id = ? AND \(readable.sql)" + (showDeleted ? "" : " AND r.deleted_at IS NULL"),
                    [id] + readable.arguments, { $0.int64(0) })
            else { return nil }
            return try db.fetchAll(
                "SELECT version, created_at, created_by, operation FROM record_versions WHERE rid = ? AND version < ? ORDER BY version DESC LIMIT ?",
                [rid, start, limit + 1]
            ) { row in
                VersionSummary(
                    version: row.int(0), createdAt: Timestamp(milliseconds: row.int64(1)), createdBy: row.text(2),
                    operation: VersionOperation(rawValue: row.text(3)) ?? .update)
            }
        }
        guard var results = rows else { throw StoreError.notFound("record \(id)") }
        var next: String?
        if results.count > limit {
            results.removeLast()
            next = Cursor.encodeVersion(results.last!.version)
        }
        return Page(results: results, nextCursor: next)
    }

    /// One version of a record (SPEC §3 `GET /records/:id/versions/:version`).
    /// - Throws: `notFound` (record unreadable or absent, or no such version).
    public func version(_ number: Int, of id: String, includeDeleted: Bool = false, as principal: Principal?) async throws
        -> RecordVersion
    {
        let readable = AccessRules.readable("r", by: principal)
        let showDeleted = includeDeleted && principal?.isOwner == true
        let found = try await read { db in
            try db.fetchOne(
                """
                SELECT r.id, r.type, v.version, v.content, v.created_at, v.created_by, v.operation
                FROM records r JOIN record_versions v ON v.rid = r.rid AND v.version = ?
                WHERE r.id = ? AND \(readable.sql)
                """ + (showDeleted ? "" : " AND r.deleted_at IS NULL"),
                [number, id] + readable.arguments
            ) { row in
                RecordVersion(
                    id: row.text(0), type: row.text(1), version: row.int(2), content: try JSON(parsing: row.bytes(3)),
                    createdAt: Timestamp(milliseconds: row.int64(4)), createdBy: row.text(5),
                    operation: VersionOperation(rawValue: row.text(6)) ?? .update)
            }
        }
        guard let found else { throw StoreError.notFound("version \(number) of record \(id)") }
        return found
    }

    static func checkLimit(_ limit: Int) throws(StoreError) -> Int {
        guard (1...1000).contains(limit) else { throw .invalidRequest("limit must be between 1 and 1000") }
        return limit
    }
}
