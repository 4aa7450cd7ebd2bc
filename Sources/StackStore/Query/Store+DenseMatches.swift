extension Store {
    /// A row of a query's page: its row id, the record, its sort key values.
    typealias QueryRow = (rid: Int64, record: Record, keys: [DatabaseValue])

    /// How ``walkDenseMatches`` walks (tests vary it; the store uses ``standard``).
    struct DenseWalk: Sendable {
        /// The most chunks walked.
        var chunkLimit = 8
        /// The bounds of a chunk's size.
        var chunkSizes = 128...4096
        /// The share of matches below which a chunk sends the rest of the page to the set of
        /// matches.
        var minimumShare = 0.05
        /// The widest range of row ids a chunk may span, in rows of the chunk: the index reads
        /// every match in the range, so a sort unrelated to creation (a content value) would read
        /// nearly all.
        var maximumSpread: Int64 = 64

        static let standard = DenseWalk()
    }

    /// The page of a `q` search that matches many records (``CompiledQuery/TextPlan/many``),
    /// found without reading every match where they are dense: the query's other conditions
    /// (`base`, which holds the caller's permission as a per-row test) are walked in sort order, a chunk of rows at a time, and each chunk keeps the rows the
    /// full-text index matches between the chunk's smallest and largest row id. Row ids grow with
    /// creation, so for the usual sorts a chunk spans a narrow range of them; for any sort the
    /// answer is exact, a wide range only costs more. A word in every record then costs one
    /// chunk, where the set of matches cost ~150 ms per million records.
    ///
    /// The first chunk is twice the page; each next one is sized from the share of matches so
    /// far to finish the page. Matches can be many in the index yet sparse in the walk (a word in
    /// 1 record of 100, or only in old records walked newest first): when a chunk finds fewer
    /// than ``DenseWalk/minimumShare`` of its rows matching, or after ``DenseWalk/chunkLimit``
    /// chunks, the walk stops and says how far it got, and the caller finds the rest of the page
    /// from there with the set of matches. So does a chunk whose rows span more than
    /// ``DenseWalk/maximumSpread`` row ids per row (a sort by a content value), before the index
    /// reads its range.
    /// - Returns: up to `limit` rows in sort order and, if the walk stopped short, `handOver` with
    ///   the last row walked (`nil`: none, the rest starts at the beginning).
    static func walkDenseMatches(
        _ compiled: CompiledQuery, base: SQLFragment, limit: Int, walk: DenseWalk = .standard, db: Database
    ) throws -> (rows: [QueryRow], handOver: Bool, after: QueryCursor?) {
        guard let match = compiled.textMatch else { return ([], false, nil) }
        let keyColumns = compiled.keys.enumerated().map { ", \($0.element.sql) AS k\($0.offset)" }.joined()
        var matched: [(rid: Int64, keys: [DatabaseValue])] = []
        var after: QueryCursor?
        var walked = 0
        var chunk = min(max(2 * limit, walk.chunkSizes.lowerBound), walk.chunkSizes.upperBound)
        for _ in 0..<walk.chunkLimit {
            let condition = after.map { compiled.continuing(base, after: $0) } ?? base
            let candidates = try db.fetchAll(
                "SELECT r.rid\(keyColumns) FROM records r WHERE \(condition.sql) \(compiled.tail)",
                condition.arguments + [.integer(Int64(chunk))]
            ) { row in (rid: row.int64(0), keys: (0..<compiled.keys.count).map { row.value(Int32(1 + $0)) }) }
            guard let last = candidates.last else { return (try fullRows(matched.map(\.rid), compiled, db: db), false, nil) }
            let rids = candidates.map(\.rid)
            let (low, high) = (rids.min()!, rids.max()!)
            if high - low > walk.maximumSpread * Int64(candidates.count) { break }
            let hits = Set(
                try db.fetchAll(
                    "SELECT rowid FROM \(FullTextIndex.schemaName).records_fts WHERE records_fts MATCH ? AND rowid BETWEEN ? AND ?",
                    [match, low, high]
                ) { $0.int64(0) })
            let before = matched.count
            for candidate in candidates where hits.contains(candidate.rid) {
                matched.append(candidate)
                if matched.count == limit { break }
            }
            let found = matched.count - before
            after = QueryCursor(signature: compiled.signature, keys: last.keys, rid: last.rid)
            walked += candidates.count
            if matched.count == limit || candidates.count < chunk {
                return (try fullRows(matched.map(\.rid), compiled, db: db), false, nil)
            }
            if Double(found) < walk.minimumShare * Double(candidates.count) { break }
            // Sized to finish the page at the share so far (the largest size while none matched).
            let wanted = matched.isEmpty ? Double(walk.chunkSizes.upperBound) : 1.5 * Double(limit - matched.count) * Double(walked) / Double(matched.count)
            chunk = Int(min(max(wanted.rounded(.up), Double(walk.chunkSizes.lowerBound)), Double(walk.chunkSizes.upperBound)))
        }
        return (try fullRows(matched.map(\.rid), compiled, db: db), true, after)
    }

    /// The rows `rids` in that order, selected as `compiled` selects them.
    private static func fullRows(_ rids: [Int64], _ compiled: CompiledQuery, db: Database) throws -> [QueryRow] {
        guard !rids.isEmpty else { return [] }
        let list = "[" + rids.map(String.init).joined(separator: ",") + "]"
        var byRid: [Int64: QueryRow] = [:]
        for row in try db.fetchAll(
            "\(compiled.select.sql) records r WHERE r.rid IN (SELECT value FROM json_each(?))", compiled.select.arguments + [.text(list)],
            { try decodeQueryRow($0, keyCount: compiled.keys.count) })
        {
            byRid[row.rid] = row
        }
        return rids.compactMap { byRid[$0] }
    }

    /// Decodes a row selected with a compiled query's `select`.
    static func decodeQueryRow(_ row: Statement, keyCount: Int) throws -> QueryRow {
        let (rid, record) = try RecordRows.decode(row)
        return (rid, record, (0..<keyCount).map { row.value(Int32(10 + $0)) })
    }
}
