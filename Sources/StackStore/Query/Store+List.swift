extension Store {
    /// Lists the records `principal` may read (SPEC §5 `GET /records`), permission-filtered in SQL
    /// and keyset-paginated: a page sequence never repeats or skips a record that existed
    /// throughout.
    /// - Throws: `invalidRequest` (limit, cursor, relation).
    public func listRecords(_ query: RecordListQuery, as principal: Principal?) async throws -> Page<Record> {
        let limit = try Store.checkLimit(query.limit)
        var conditions: [String] = []
        var arguments: [DatabaseValue] = []
        if let type = query.type {
            conditions.append("r.type = ?")
            arguments.append(.text(type))
        }
        if let createdBy = query.createdBy {
            conditions.append("r.created_by = ?")
            arguments.append(.text(createdBy))
        }
        if let updatedAfter = query.updatedAfter {
            conditions.append("r.updated_at > ?")
            arguments.append(.integer(updatedAfter.milliseconds))
        }
        if !(query.includeDeleted && principal?.isOwner == true) {
            conditions.append("r.deleted_at IS NULL")
        }
        if let other = query.associatedWith {
            if let relation = query.relation, !Association.isValidRelation(relation) {
                throw StoreError.invalidRequest("the relation must match ^[A-Za-z][A-Za-z0-9_.:-]{0,63}$")
            }
            // The anchor must itself be readable, or the list is empty.
            let anchor = AccessRules.readable("x", by: principal)
            let anchorRid = "(SELECT x.rid FROM records x WHERE x.id = ? AND x.deleted_at IS NULL AND \(anchor.sql))"
            let relationClause = query.relation == nil ? "" : " AND a.relation = ?"
            var parts: [String] = []
            var partArguments: [DatabaseValue] = []
            if query.direction != .in {
                parts.append("SELECT a.target_rid FROM associations a WHERE a.source_rid = \(anchorRid)\(relationClause)")
                partArguments += [.text(other)] + anchor.arguments + (query.relation.map { [.text($0)] } ?? [])
            }
            if query.direction != .out {
                parts.append("SELECT a.source_rid FROM associations a WHERE a.target_rid = \(anchorRid)\(relationClause)")
                partArguments += [.text(other)] + anchor.arguments + (query.relation.map { [.text($0)] } ?? [])
            }
            conditions.append("r.rid IN (\(parts.joined(separator: " UNION ")))")
            arguments += partArguments
        }
        let readable = AccessRules.readableSet("r", by: principal)
        conditions.append(readable.sql)
        arguments += readable.arguments
        let column = query.sort.column
        let descending = query.sort.isDescending
        if let cursor = query.cursor {
            guard let key = Cursor.decode(cursor, tag: query.sort.cursorTag, count: 2) else {
                throw StoreError.invalidRequest("invalid cursor")
            }
            conditions.append("(r.\(column), r.rid) \(descending ? "<" : ">") (?, ?)")
            arguments += [.integer(key[0]), .integer(key[1])]
        }
        let order = descending ? "DESC" : "ASC"
        let sql = """
            SELECT \(RecordRows.columns), r.\(column) FROM records r
            WHERE \(conditions.joined(separator: " AND "))
            ORDER BY r.\(column) \(order), r.rid \(order) LIMIT ?
            """
        arguments.append(.integer(Int64(limit + 1)))
        let finalArguments = arguments
        var rows = try await read { db in
            try db.fetchAll(sql, finalArguments) { row in
                let (rid, record) = try RecordRows.decode(row)
                return (rid, row.int64(10), record)
            }
        }
        var next: String?
        if rows.count > limit {
            rows.removeLast()
            let last = rows.last!
            next = Cursor.encode(tag: query.sort.cursorTag, [last.1, last.0])
        }
        return Page(results: rows.map { $0.2.visible(to: principal) }, nextCursor: next)
    }
}

extension RecordSort {
    var cursorTag: String {
        switch self {
        case .createdAt: return "c"
        case .createdAtDescending: return "C"
        case .updatedAt: return "u"
        case .updatedAtDescending: return "U"
        }
    }
}
