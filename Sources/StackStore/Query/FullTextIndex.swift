/// Keeps `records_fts` (SPEC §5 `q`) equal to the string values of each record's current content.
///
/// What the index still owes (schema version 4): every record above `fts_state.indexed_through`
/// (new since the last sync: `rid` grows and is never reused), and every record at or below it
/// that was re-written or erased since, which a trigger on `records` notes in `fts_pending` with
/// the text the index holds for it. ``sync(_:)`` settles both; it is the pool's deferred upkeep,
/// so the writer runs it at most every 100 ms while writes go on (first in a batch's transaction)
/// and soon after they stop, and at open and close. FTS5 then writes one segment per upkeep
/// instead of one per write. A search first calls ``Store/bringFullTextIndexUpToDate()``, so it
/// sees every write committed before it began.
enum FullTextIndex {
    /// Indexes the new records, re-indexes the noted ones, and empties `fts_pending`. Runs inside
    /// the caller's transaction.
    static func sync(_ db: Database) throws {
        guard try hasPendingWork(db) else { return }
        // The contentless table forgets a row when told the text it indexed for it.
        try db.execute(
            """
            INSERT INTO records_fts (records_fts, rowid, body)
            SELECT 'delete', rid, indexed_body FROM fts_pending WHERE indexed_body IS NOT NULL
            """)
        // CROSS JOIN keeps `fts_pending` (a few rows) outside: given the range on `rid`, SQLite
        // would otherwise walk `records` up to the mark and look each one up in `fts_pending`.
        try db.execute(
            """
            INSERT INTO records_fts (rowid, body)
            SELECT r.rid, \(body("r.content"))
            FROM fts_pending p CROSS JOIN records r ON r.rid = p.rid
            WHERE p.rid <= (SELECT indexed_through FROM fts_state)
            """)
        try db.execute(
            """
            INSERT INTO records_fts (rowid, body)
            SELECT r.rid, \(body("r.content")) FROM records r
            WHERE r.rid > (SELECT indexed_through FROM fts_state)
            """)
        try db.execute(
            """
            UPDATE fts_state SET indexed_through = max(indexed_through, coalesce((SELECT max(rid) FROM records), 0))
            """)
        try db.execute("DELETE FROM fts_pending")
    }

    /// The SQL expression of the text indexed for a content: its string values, space-separated
    /// (object keys are not indexed). Schema version 4's triggers use the same expression.
    static func body(_ content: String) -> String {
        "(SELECT group_concat(t.value, ' ') FROM json_tree(\(content)) t WHERE t.type = 'text')"
    }

    /// Whether writes wait to be indexed.
    static func hasPendingWork(_ db: Database) throws -> Bool {
        try db.fetchOne(
            """
            SELECT EXISTS (SELECT 1 FROM fts_pending)
                OR coalesce((SELECT max(rid) FROM records), 0) > (SELECT indexed_through FROM fts_state)
            """) { $0.int(0) } == 1
    }
}

extension Store {
    /// Indexes, before a search, the writes committed so far that the deferred upkeep has not
    /// indexed yet (one reader query when there are none).
    func bringFullTextIndexUpToDate() async throws(StoreError) {
        guard try await read(snapshot: false, { db in try FullTextIndex.hasPendingWork(db) }) else { return }
        try await write { db in try FullTextIndex.sync(db) }
    }
}
