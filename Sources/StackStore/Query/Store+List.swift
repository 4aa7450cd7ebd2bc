extension Store {
    /// Lists the records `principal` may read (SPEC §5 `GET /records`), permission-filtered in SQL
    /// and keyset-paginated: a page sequence never repeats or skips a record that existed
    /// throughout.
    /// - Throws: `invalidRequest` (limit, cursor, relation).
    public func listRecords(_ query: RecordListQuery, as principal: Principal?) async throws -> Page<Record> {
        let page = try await listRows(query, as: principal) { row in try RecordRows.decode(row).record }
        return Page(results: page.results.map { $0.visible(to: principal) }, nextCursor: page.nextCursor)
    }

    /// The pages of ``listRecords(_:as:)``, each row (selected with ``RecordRows/columns``) made
    /// into a `Row` by `decode`: the one SQL behind every record list.
    func listRows<Row: Sendable>(
        _ query: RecordListQuery, as principal: Principal?, decode: @escaping @Sendable (Statement) throws -> Row
    ) async throws -> Page<Row> {
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
        let where_ = conditions.isEmpty ? "1" : conditions.joined(separator: " AND ")
        let tail = "ORDER BY r.\(column) \(order), r.rid \(order) LIMIT ?"
        let limitArgument = DatabaseValue.integer(Int64(limit + 1))
        let readableRids = AccessRules.readableRids(by: principal)
        let baseArguments = arguments
        var rows = try await read { db -> [(Int64, Int64, Row)] in
            let decode: (Statement) throws -> (Int64, Int64, Row) = { row in (row.int64(0), row.int64(10), try decode(row)) }
            let select = "SELECT \(RecordRows.columns), r.\(column) FROM"
            guard let rids = readableRids else {
                return try db.fetchAll("\(select) records r WHERE \(where_) \(tail)", baseArguments + [limitArgument], decode)
            }
            // SPEC §4 in SQL, with the plan chosen by the size of the caller's readable set: a
            // small set drives the query (then sorted); a large one is tested row by row while the
            // sort index is walked, which finds a page quickly because matches are dense.
            let probe = Store.smallReadableSetLimit
            let size = try db.fetchOne("SELECT count(*) FROM (\(rids.sql) LIMIT \(probe))", rids.arguments) { $0.int(0) } ?? 0
            if size < probe {
                return try db.fetchAll(
                    "\(select) (\(rids.sql)) s CROSS JOIN records r ON r.rid = s.rid WHERE \(where_) \(tail)",
                    rids.arguments + baseArguments + [limitArgument], decode)
            }
            return try db.fetchAll(
                "\(select) records r WHERE \(where_) AND r.rid IN (\(rids.sql)) \(tail)",
                baseArguments + rids.arguments + [limitArgument], decode)
        }
        var next: String?
        if rows.count > limit {
            rows.removeLast()
            let last = rows.last!
            next = Cursor.encode(tag: query.sort.cursorTag, [last.1, last.0])
        }
        return Page(results: rows.map(\.2), nextCursor: next)
    }
}

extension Store {
    /// Below this many readable records, a non-owner's list is driven by its readable set.
    static let smallReadableSetLimit = 5000
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
