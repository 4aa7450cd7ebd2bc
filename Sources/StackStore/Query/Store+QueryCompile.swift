import StackJSON

extension Store {
    /// A query as SQL, before the permission check: `"\(select) records r WHERE
    /// \(condition(db)) \(tail)"` with the limit bound last is the owner's statement.
    struct CompiledQuery: Sendable {
        var select: SQLFragment
        /// The conditions with the type as SQLite is left to plan it, without `q`'s.
        var plain: SQLFragment
        /// The same with the type hinted as not selective (``TypeIndexPlan``), and the hinted type
        /// condition alone, if the type is one literal.
        var hinted: (condition: SQLFragment, type: SQLFragment)?
        var plan: TypeIndexPlan
        /// The path literals read from `r.indexed` (``QueryCompiler/compile(_:indexed:)``).
        var indexed: Set<String>
        /// `ORDER BY … LIMIT ?`.
        var tail: String
        /// What a cursor must have been made for (the sort keys).
        var signature: String
        /// The sort columns after the record's columns in `select`, and the row id's direction.
        var keys: [SortColumn]
        var ridDescending: Bool
        var keyCount: Int { keys.count }
        /// The full-text match expression of `q`, if any.
        var textMatch: String?
        /// `q`'s condition: membership in the set of matches.
        var textCondition: SQLFragment?

        /// How a query with `q` finds its page, chosen by how many records match (one probe of
        /// the index, counting up to ``FullTextQuery/fewMatchesLimit``).
        enum TextPlan: Equatable {
            /// No `q`.
            case none
            /// Fewer than ``FullTextQuery/fewMatchesLimit``: read them through the index first,
            /// then sort them.
            case few
            /// More: walk the sort order in chunks, each tested against the matches in its range
            /// of row ids only (``Store/walkDenseMatches``). Where matches turn out sparse in the
            /// walk, the rest of the page walks the sort order testing each row against the set of
            /// every match (which SQLite builds once; reading a million matches takes ~150 ms).
            case many
        }

        func textPlan(_ db: Database) throws -> TextPlan {
            guard let match = textMatch else { return .none }
            let limit = FullTextQuery.fewMatchesLimit
            let count = try db.fetchOne(
                "SELECT count(*) FROM (SELECT rowid FROM \(FullTextIndex.schemaName).records_fts WHERE records_fts MATCH ? LIMIT \(limit))",
                [match]) { $0.int(0) } ?? limit
            return count < limit ? .few : .many
        }

        /// What the query reads rows from: `records r`, or, with few matches, those records
        /// found through the index first. Otherwise SQLite walks the sort order testing each row,
        /// which for a rare word means the whole table (105 ms on a million records, against
        /// 1 ms this way).
        func source(_ plan: TextPlan) -> SQLFragment {
            guard plan == .few, let match = textMatch else { return SQLFragment("records r") }
            return SQLFragment(
                "(SELECT rowid AS rid FROM \(FullTextIndex.schemaName).records_fts WHERE records_fts MATCH ?) t CROSS JOIN records r ON r.rid = t.rid",
                [.text(match)])
        }

        /// The conditions to run, by ``plan``; `.probe` counts matches through the type's index.
        /// With `includingText`, `q`'s condition too.
        func condition(_ db: Database, includingText: Bool = true) throws -> SQLFragment {
            let base: SQLFragment
            switch (hinted, plan) {
            case (nil, _), (_, .plain): base = plain
            case (let hinted?, .hinted): base = hinted.condition
            case (let hinted?, .probe(let seeking)):
                let limit = TypeIndexPlan.probeLimit
                let probe = QueryCompiler.join([hinted.type, QueryCompiler.compile(seeking, indexed: indexed)], with: "AND")
                let count = try db.fetchOne("SELECT count(*) FROM (SELECT 1 FROM records r WHERE \(probe.sql) LIMIT \(limit))", probe.arguments) {
                    $0.int(0)
                }
                base = (count ?? limit) < limit ? hinted.condition : plain
            }
            return includingText ? withText(base) : base
        }

        /// `condition` restricted to the rows after `cursor` in this query's order.
        func continuing(_ condition: SQLFragment, after cursor: QueryCursor) -> SQLFragment {
            QueryCompiler.join([condition, Store.keyset(keys, after: cursor, ridDescending: ridDescending)], with: "AND")
        }

        /// `base` (a ``condition(_:includingText:)`` without `q`) with `q`'s condition.
        func withText(_ base: SQLFragment) -> SQLFragment {
            guard let textCondition else { return base }
            return QueryCompiler.join([base, textCondition], with: "AND")
        }
    }

    func compile(_ query: RecordQuery, as principal: Principal?) throws -> CompiledQuery {
        var conditions: [SQLFragment] = []
        var hintedType: SQLFragment?
        var plan = TypeIndexPlan.plain
        var indexed: Set<String> = []
        if let types = query.types {
            let (condition, definition) = typeCondition(types)
            conditions.append(condition)
            if let definition {
                hintedType = SQLFragment("likelihood(\(condition.sql), 0.5)")
                plan = TypeIndexPlan.choose(for: query, type: definition)
                indexed = TypeIndexes.pathLiterals(of: definition)
            }
        }
        if !(query.includeDeleted && principal?.isOwner == true) {
            conditions.append(SQLFragment("r.deleted_at IS NULL"))
        }
        if let filter = query.filter {
            conditions.append(QueryCompiler.compile(filter, indexed: indexed))
        }
        var textMatch: String?
        var textCondition: SQLFragment?
        if !FullTextQuery.isBlank(query.text) {
            if let match = FullTextQuery.matchExpression(query.text ?? "") {
                textMatch = match
                // `+` keeps SQLite from driving the query by this set (reading every match, then
                // sorting them): with many matches, walking the sort order and testing each row
                // against the set finds a page sooner; with few, `source` drives by the matches.
                textCondition = SQLFragment(
                    "+r.rid IN (SELECT rowid FROM \(FullTextIndex.schemaName).records_fts WHERE records_fts MATCH ?)", [.text(match)])
            } else {
                conditions.append(SQLFragment("0"))
            }
        }
        if let anchor = query.associatedWith {
            conditions.append(try Store.associationCondition(anchor, relation: query.relation, direction: query.direction, principal: principal))
        }
        let keys = Store.sortColumns(query.sort, indexed: indexed)
        let descending = query.sort.first?.descending ?? true
        let signature = query.sort.map(\.description).joined(separator: ",")
        if let text = query.cursor {
            guard let cursor = QueryCursor(decoding: text, signature: signature, count: keys.count) else {
                throw StoreError.invalidRequest("invalid cursor")
            }
            conditions.append(Store.keyset(keys, after: cursor, ridDescending: descending))
        }
        let select = SQLFragment(
            "SELECT \(RecordRows.columns)" + keys.enumerated().map { ", \($0.element.sql) AS k\($0.offset)" }.joined() + " FROM")
        let order = keys.enumerated().map { "k\($0.offset) \($0.element.descending ? "DESC" : "ASC")" } + ["r.rid \(descending ? "DESC" : "ASC")"]
        let plain = QueryCompiler.join(conditions, with: "AND")
        // The type condition comes first, so the hinted text is the plain one with it replaced.
        let hinted = hintedType.map { (condition: QueryCompiler.join([$0] + conditions.dropFirst(), with: "AND"), type: $0) }
        return CompiledQuery(
            select: select, plain: conditions.isEmpty ? SQLFragment("1") : plain, hinted: hinted, plan: plan, indexed: indexed,
            tail: "ORDER BY \(order.joined(separator: ", ")) LIMIT ?", signature: signature, keys: keys, ridDescending: descending,
            textMatch: textMatch, textCondition: textCondition)
    }

    /// `r.type` among `types`, and the type's definition when it is one literal. One registered
    /// type is written as a literal, `r.type = 'task'`: only then can SQLite prove a type's
    /// partial indexes (``TypeIndexes``) apply. So each such type gets statements of its own in a
    /// connection's statement cache (which keeps at most 512). Several types, or one that
    /// is not registered under a valid id, are bound as before.
    func typeCondition(_ types: [String]) -> (SQLFragment, TypeDefinition?) {
        let distinct = Array(Set(types))
        if distinct.count == 1, TypeDefinition.isValidID(distinct[0]), let entry = self.types.entry(distinct[0]) {
            return (SQLFragment("r.type = \(QueryCompiler.textLiteral(entry.definition.id))"), entry.definition)
        }
        if types.isEmpty { return (SQLFragment("0"), nil) }
        return (SQLFragment("r.type IN (\(types.map { _ in "?" }.joined(separator: ", ")))", types.map { .text($0) }), nil)
    }
}
