import StackJSON

extension Store {
    /// Answers a record query (SPEC §5 `POST /records/query`, and `GET /records` with `q` or
    /// content filters): the records `principal` may read that match, sorted and keyset-paged in
    /// SQL with the permission predicate included, so pages never repeat or skip a record that
    /// existed throughout, and unreadable records never show up in results or counts.
    /// - Throws: `invalidRequest` (limit, cursor, relation).
    public func queryRecords(_ query: RecordQuery, as principal: Principal?) async throws -> Page<Record> {
        try await queryRecords(query, as: principal, denseWalk: .standard)
    }

    /// ``queryRecords(_:as:)`` with the dense-match walk tuned (tests).
    func queryRecords(_ query: RecordQuery, as principal: Principal?, denseWalk: DenseWalk) async throws -> Page<Record> {
        let limit = try Store.checkLimit(query.limit)
        if !FullTextQuery.isBlank(query.text) {
            try await bringFullTextIndexUpToDate()
        }
        let compiled = try compile(query, as: principal)
        let (select, tail, signature) = (compiled.select, compiled.tail, compiled.signature)
        let limitArgument = DatabaseValue.integer(Int64(limit + 1))
        let readableRids = AccessRules.readableRids(by: principal)
        let readable = AccessRules.readable("r", by: principal)
        let keyCount = compiled.keyCount
        var rows = try await read { db -> [QueryRow] in
            let base = try compiled.condition(db, includingText: false)
            let whereClause = compiled.withText(base)
            let decode = { (row: Statement) in try Store.decodeQueryRow(row, keyCount: keyCount) }
            // With `q`, the plan depends on how many records match (``CompiledQuery/TextPlan``).
            // `permission` restricts to the readable set (built once per statement); the walk
            // tests each row it reads instead, as its chunks are statements of their own.
            func search(permission: SQLFragment?) throws -> [QueryRow] {
                let plan = try compiled.textPlan(db)
                var found: [QueryRow] = []
                var condition = whereClause
                if plan == .many {
                    let walkBase = permission == nil ? base : QueryCompiler.join([base, readable], with: "AND")
                    let walk = try Store.walkDenseMatches(compiled, base: walkBase, limit: limit + 1, walk: denseWalk, db: db)
                    guard walk.handOver else { return walk.rows }
                    found = walk.rows
                    if let after = walk.after { condition = compiled.continuing(whereClause, after: after) }
                }
                let source = compiled.source(plan)
                let restricted = QueryCompiler.join([condition] + (permission.map { [$0] } ?? []), with: "AND")
                return try found
                    + db.fetchAll(
                        "\(select.sql) \(source.sql) WHERE \(restricted.sql) \(tail)",
                        select.arguments + source.arguments + restricted.arguments + [.integer(Int64(limit + 1 - found.count))], decode)
            }
            guard let rids = readableRids else { return try search(permission: nil) }
            // The same plan choice as `listRecords`: a small readable set drives the query.
            let probe = Store.smallReadableSetLimit
            let size = try db.fetchOne("SELECT count(*) FROM (\(rids.sql) LIMIT \(probe))", rids.arguments) { $0.int(0) } ?? 0
            if size < probe {
                return try db.fetchAll(
                    "\(select.sql) (\(rids.sql)) s CROSS JOIN records r ON r.rid = s.rid WHERE \(whereClause.sql) \(tail)",
                    select.arguments + rids.arguments + whereClause.arguments + [limitArgument], decode)
            }
            return try search(permission: SQLFragment("r.rid IN (\(rids.sql))", rids.arguments))
        }
        var next: String?
        if rows.count > limit {
            rows.removeLast()
            let last = rows.last!
            next = QueryCursor(signature: signature, keys: last.keys, rid: last.rid).encoded
        }
        return Page(results: rows.map { $0.record.visible(to: principal) }, nextCursor: next)
    }

    /// One SQL sort column: its expression and direction.
    struct SortColumn {
        var sql: String
        var descending: Bool
        /// A built-in column (never NULL).
        var isBuiltIn: Bool
    }

    /// A content key sorts by (JSON type rank, value): missing < null < booleans < numbers <
    /// strings < arrays < objects, so values of different types never interleave and a keyset
    /// cursor stays exact. Built-in fields sort by their column.
    /// Content keys in `indexed` are read from `r.indexed` (``QueryCompiler/compile(_:indexed:)``).
    static func sortColumns(_ sort: [QuerySortKey], indexed: Set<String> = []) -> [SortColumn] {
        sort.flatMap { key -> [SortColumn] in
            guard let p = QueryCompiler.pathLiteral(key.field) else {
                return [SortColumn(sql: QueryCompiler.column(key.field), descending: key.descending, isBuiltIn: true)]
            }
            return [
                SortColumn(sql: QueryCompiler.rank(p, in: QueryCompiler.source(p, indexed: indexed)), descending: key.descending, isBuiltIn: false),
                SortColumn(sql: QueryCompiler.value(p, in: QueryCompiler.source(p, indexed: indexed)), descending: key.descending, isBuiltIn: false),
            ]
        }
    }

    /// Rows strictly after the cursor in the sort order: for some i, the first i columns equal
    /// the cursor's and column i is past it; or all equal and the row id is past it.
    static func keyset(_ columns: [SortColumn], after cursor: QueryCursor, ridDescending: Bool) -> SQLFragment {
        // Built-in columns are never NULL: when they all run the row id's way, one row-value
        // comparison says the same and lets SQLite seek in the sort index instead of scanning.
        if columns.allSatisfy({ $0.descending == ridDescending && $0.isBuiltIn }) {
            let names = columns.map(\.sql) + ["r.rid"]
            return SQLFragment(
                "(\(names.joined(separator: ", "))) \(ridDescending ? "<" : ">") (\(names.map { _ in "?" }.joined(separator: ", ")))",
                cursor.keys + [.integer(cursor.rid)])
        }
        var alternatives: [SQLFragment] = []
        var prefix: [SQLFragment] = []
        // The first column is never NULL (a built-in column or a content key's rank) and every
        // alternative implies it is at or past the cursor's: saying so lets SQLite seek to there
        // in an index that leads with it, instead of walking the index from its start.
        var bound: [SQLFragment] = []
        if let first = columns.first, let value = cursor.keys.first, value != .null {
            bound.append(SQLFragment("\(first.sql) \(first.descending ? "<=" : ">=") ?", [value]))
        }
        for (column, value) in zip(columns, cursor.keys) {
            let past = SQLFragment("\(column.sql) \(column.descending ? "<" : ">") ?", [value])
            alternatives.append(QueryCompiler.join(prefix + [past], with: "AND"))
            prefix.append(SQLFragment("\(column.sql) IS ?", [value]))
        }
        alternatives.append(QueryCompiler.join(prefix + [SQLFragment("r.rid \(ridDescending ? "<" : ">") ?", [.integer(cursor.rid)])], with: "AND"))
        return QueryCompiler.join(bound + [QueryCompiler.join(alternatives, with: "OR")], with: "AND")
    }

    /// `associatedWith` (SPEC §5): the records the anchor links to (`out`), that link to it
    /// (`in`), or both; empty unless the anchor itself is readable and not deleted.
    static func associationCondition(
        _ anchor: String, relation: String?, direction: AssociationDirection, principal: Principal?
    ) throws(StoreError) -> SQLFragment {
        if let relation, !Association.isValidRelation(relation) {
            throw StoreError.invalidRequest("the relation must match ^[A-Za-z][A-Za-z0-9_.:-]{0,63}$")
        }
        let readable = AccessRules.readable("x", by: principal)
        let anchorRid = "(SELECT x.rid FROM records x WHERE x.id = ? AND x.deleted_at IS NULL AND \(readable.sql))"
        let relationClause = relation == nil ? "" : " AND a.relation = ?"
        let partArguments: [DatabaseValue] = [.text(anchor)] + readable.arguments + (relation.map { [.text($0)] } ?? [])
        var parts: [String] = []
        var arguments: [DatabaseValue] = []
        if direction != .in {
            parts.append("SELECT a.target_rid FROM associations a WHERE a.source_rid = \(anchorRid)\(relationClause)")
            arguments += partArguments
        }
        if direction != .out {
            parts.append("SELECT a.source_rid FROM associations a WHERE a.target_rid = \(anchorRid)\(relationClause)")
            arguments += partArguments
        }
        return SQLFragment("r.rid IN (\(parts.joined(separator: " UNION ")))", arguments)
    }
}
