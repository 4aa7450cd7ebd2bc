import StackJSON

extension Store {
    /// Links `sourceId` to `targetId` under `relation` (SPEC §3 `POST /records/:id/associations`).
    /// Needs write on the source and read on the (non-deleted) target. Idempotent: an existing
    /// link is returned with `created == false`.
    /// - Throws: `unauthorized`, `invalidRequest` (relation), `notFound` (source, or target with
    ///   a message saying so), `forbidden` (source not writable).
    public func addAssociation(
        from sourceId: String, relation: String, to targetId: String, as principal: Principal?,
        idempotency: IdempotencyStamp<AssociationResult>? = nil
    ) async throws -> AssociationResult {
        guard let principal else { throw StoreError.unauthorized }
        guard Association.isValidRelation(relation) else {
            throw StoreError.invalidRequest("the relation must match ^[A-Za-z][A-Za-z0-9_.:-]{0,63}$")
        }
        let lifetime = configuration.idempotencyLifetimeMilliseconds
        return try await write { db -> AssociationResult in
            let (sourceRid, _) = try Store.loadSourceForLinking(id: sourceId, principal: principal, db: db)
            let readable = AccessRules.readable("r", by: principal)
            guard
                let targetRid = try db.fetchOne(
                    "SELECT r.rid FROM records r WHERE r.id = ? AND r.deleted_at IS NULL AND \(readable.sql)",
                    [targetId] + readable.arguments, { $0.int64(0) })
            else { throw StoreError.notFound("target record \(targetId)") }
            if let existing = try db.fetchOne(
                "SELECT created_at, created_by FROM associations WHERE source_rid = ? AND relation = ? AND target_rid = ?",
                [sourceRid, relation, targetRid], { ($0.int64(0), $0.text(1)) })
            {
                let result = AssociationResult(
                    association: Association(
                        sourceId: sourceId, relation: relation, targetId: targetId, createdAt: Timestamp(milliseconds: existing.0),
                        createdBy: existing.1), created: false)
                if let idempotency {
                    try IdempotencyRows.insert(idempotency, result: result, now: .now(), lifetime: lifetime, db: db)
                }
                return result
            }
            let association = Association(
                sourceId: sourceId, relation: relation, targetId: targetId, createdAt: .now(), createdBy: principal.entityId)
            try db.execute(
                "INSERT INTO associations (source_rid, relation, target_rid, created_at, created_by) VALUES (?, ?, ?, ?, ?)",
                [sourceRid, relation, targetRid, association.createdAt.milliseconds, association.createdBy])
            let result = AssociationResult(association: association, created: true)
            if let idempotency {
                try IdempotencyRows.insert(idempotency, result: result, now: association.createdAt, lifetime: lifetime, db: db)
            }
            return result
        }
    }

    /// Removes a link (SPEC §3 `DELETE /records/:id/associations`); needs write on the source.
    /// - Throws: `notFound` when there is no such association (or the source is unreadable).
    public func removeAssociation(from sourceId: String, relation: String, to targetId: String, as principal: Principal?)
        async throws
    {
        guard let principal else { throw StoreError.unauthorized }
        try await write { db in
            let (sourceRid, _) = try Store.loadSourceForLinking(id: sourceId, principal: principal, db: db)
            try db.execute(
                """
                DELETE FROM associations WHERE source_rid = ? AND relation = ?
                AND target_rid = (SELECT rid FROM records WHERE id = ?)
                """, [sourceRid, relation, targetId])
            if db.changedRowCount == 0 { throw StoreError.notFound("association") }
        }
    }

    /// A record's associations (SPEC §3 `GET /records/:id/associations`), leaving out those whose
    /// other end the caller cannot read (or is deleted). Ordered by direction (out, then in),
    /// relation, then the other end; keyset-paged.
    /// - Throws: `notFound` (record unreadable), `invalidRequest` (limit, cursor, relation).
    public func associations(
        of id: String, direction: AssociationDirection = .out, relation: String? = nil, limit: Int = 50, cursor: String? = nil,
        as principal: Principal?
    ) async throws -> Page<Association> {
        let limit = try Store.checkLimit(limit)
        if let relation, !Association.isValidRelation(relation) {
            throw StoreError.invalidRequest("the relation must match ^[A-Za-z][A-Za-z0-9_.:-]{0,63}$")
        }
        var after: (Int64, String, Int64) = (-1, "", 0)
        if let cursor {
            guard let decoded = Cursor.decodeAssociation(cursor) else { throw StoreError.invalidRequest("invalid cursor") }
            after = decoded
        }
        let readable = AccessRules.readable("r", by: principal)
        let otherReadable = AccessRules.readable("o", by: principal)
        let start = after
        let rows = try await read { db -> [(Int64, String, Int64, Association)]? in
            guard
                let rid = try db.fetchOne(
                    "SELECT r.rid FROM records r WHERE r.id = ? AND r.deleted_at IS NULL AND \(readable.sql)",
                    [id] + readable.arguments, { $0.int64(0) })
            else { return nil }
            var parts: [String] = []
            var args: [DatabaseValue] = []
            let relationClause = relation == nil ? "" : " AND a.relation = ?"
            // One SELECT per direction: `d` 0 = out (the other end is the target), 1 = in.
            func addPart(_ d: Int, near: String, far: String) {
                parts.append(
                    """
                    SELECT \(d) AS d, a.relation AS rel, a.\(far) AS other, o.id AS other_id, a.created_at, a.created_by
                    FROM associations a JOIN records o ON o.rid = a.\(far)
                    WHERE a.\(near) = ?\(relationClause) AND o.deleted_at IS NULL AND \(otherReadable.sql)
                    """)
                args.append(.integer(rid))
                if let relation { args.append(.text(relation)) }
                args += otherReadable.arguments
            }
            if direction != .in { addPart(0, near: "source_rid", far: "target_rid") }
            if direction != .out { addPart(1, near: "target_rid", far: "source_rid") }
            let sql = "SELECT * FROM (" + parts.joined(separator: " UNION ALL ")
                + ") WHERE (d, rel, other) > (?, ?, ?) ORDER BY d, rel, other LIMIT ?"
            args += [.integer(start.0), .text(start.1), .integer(start.2), .integer(Int64(limit + 1))]
            return try db.fetchAll(sql, args) { row in
                let outgoing = row.int64(0) == 0
                let association = Association(
                    sourceId: outgoing ? id : row.text(3), relation: row.text(1), targetId: outgoing ? row.text(3) : id,
                    createdAt: Timestamp(milliseconds: row.int64(4)), createdBy: row.text(5))
                return (row.int64(0), row.text(1), row.int64(2), association)
            }
        }
        guard var results = rows else { throw StoreError.notFound("record \(id)") }
        var next: String?
        if results.count > limit {
            results.removeLast()
            let last = results.last!
            next = Cursor.encodeAssociation(last.0, last.1, last.2)
        }
        return Page(results: results.map(\.3), nextCursor: next)
    }

    /// SPEC §4 for changing a record's links: readable (else `notFound`) and writable (else `forbidden`).
    static func loadSourceForLinking(id: String, principal: Principal, db: Database) throws -> (rid: Int64, record: Record) {
        guard let (rid, current) = try RecordRows.load(id: id, db: db), current.deletedAt == nil else {
            throw StoreError.notFound("record \(id)")
        }
        let access = try AccessRules.access(rid: rid, principal: principal, db: db)
        guard access.read || access.write else { throw StoreError.notFound("record \(id)") }
        guard access.write else { throw StoreError.forbidden("no write access to record \(id)") }
        return (rid, current)
    }
}

extension Cursor {
    static func encodeAssociation(_ direction: Int64, _ relation: String, _ other: Int64) -> String {
        // The relation's characters are URL-safe already (SPEC §3 relation pattern) except `:`.
        encode(tag: "a", [direction, other]) + "." + relation.replacingOccurrences(of: ":", with: "~")
    }

    static func decodeAssociation(_ text: String) -> (Int64, String, Int64)? {
        let pieces = text.split(separator: ".", maxSplits: 3, omittingEmptySubsequences: false)
        guard pieces.count == 4, pieces[0] == "a", let d = Int64(pieces[1], radix: 36), let other = Int64(pieces[2], radix: 36)
        else { return nil }
        return (d, pieces[3].replacingOccurrences(of: "~", with: ":"), other)
    }
}
