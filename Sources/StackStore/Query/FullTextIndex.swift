/// Keeps `records_fts` (SPEC §5 `q`) equal to the string values of each record's current content.
///
/// Triggers on `records` note every inserted, re-written or erased record in `fts_pending`
/// (schema version 3); ``sync(_:)`` runs on the writer just before each COMMIT and re-indexes
/// exactly those records, so the index is current in every committed state while FTS5 writes one
/// segment per transaction instead of one per write (FTS5 flushes at every savepoint, and each
/// write runs in a savepoint of its own).
enum FullTextIndex {
    /// Re-indexes the records noted in `fts_pending` and empties it. Runs inside the caller's
    /// transaction, outside any savepoint.
    static func sync(_ db: Database) throws {
        guard try db.exists("SELECT 1 FROM fts_pending LIMIT 1") else { return }
        try db.execute("DELETE FROM records_fts WHERE rowid IN (SELECT rid FROM fts_pending)")
        try db.execute(
            """
            INSERT INTO records_fts (rowid, body)
            SELECT r.rid, (SELECT group_concat(t.value, ' ') FROM json_tree(r.content) t WHERE t.type = 'text')
            FROM fts_pending p JOIN records r ON r.rid = p.rid
            """)
        try db.execute("DELETE FROM fts_pending")
    }
}
