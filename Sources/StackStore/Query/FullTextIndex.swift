/// Keeps `records_fts` (SPEC §5 `q`) equal to the string values of each record's current content.
///
/// Triggers on `records` note every inserted, re-written or erased record in `fts_pending`, with
/// the text the index holds for it (schema version 3). ``sync(_:)`` re-indexes exactly those
/// records; it is the pool's deferred
/// upkeep, so the writer runs it at most every 100 ms while writes go on (inside a batch's
/// transaction) and soon after they stop, and at open and close. FTS5 then writes one segment per
/// upkeep instead of one per write (it flushes at every savepoint, and each write runs in a
/// savepoint of its own). A search first calls ``Store/bringFullTextIndexUpToDate()``, so it sees
/// every write committed before it began.
enum FullTextIndex {
    /// Re-indexes the records noted in `fts_pending` and empties it. Runs inside the caller's
    /// transaction.
    static func sync(_ db: Database) throws {
        guard try hasPendingWork(db) else { return }
        // The contentless table forgets a row when told the text it indexed for it.
        try db.execute(
            """
            INSERT INTO records_fts (records_fts, rowid, body)
            SELECT 'delete', rid, indexed_body FROM fts_pending WHERE indexed_body IS NOT NULL
            """)
        try db.execute(
            """
            INSERT INTO records_fts (rowid, body)
            SELECT r.rid, \(body("r.content"))
            FROM fts_pending p JOIN records r ON r.rid = p.rid
            """)
        try db.execute("DELETE FROM fts_pending")
    }

    /// The SQL expression of the text indexed for a content: its string values, space-separated
    /// (object keys are not indexed). Schema version 3's triggers use the same expression.
    static func body(_ content: String) -> String {
        "(SELECT group_concat(t.value, ' ') FROM json_tree(\(content)) t WHERE t.type = 'text')"
    }

    /// Whether writes wait to be indexed.
    static func hasPendingWork(_ db: Database) throws -> Bool {
        try db.exists("SELECT 1 FROM fts_pending LIMIT 1")
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
