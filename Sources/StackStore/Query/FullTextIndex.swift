/// The full-text index of SPEC §5 `q`: a database of its own, `search.db` beside `stack.db`,
/// derived from it and kept by the ``FullTextIndexer`` thread, so indexing never runs on the
/// writer (it was a fifth of a create's and a patch's cost there).
///
/// - `docs` holds, per record, the text indexed for it: its content's string values,
///   space-separated (object keys are not indexed).
/// - `records_fts` is a contentless FTS5 table over that text (`rowid` = `records.rid`); a
///   contentless table forgets a row only when told the text it indexed, which `docs` keeps.
/// - `state.seq` is the change (`stack.db`'s `changes.seq`) the index has caught up with, and
///   `state.seq_at` that change's time and `state.owner` the stack's owner entity, which
///   recognise the log it came from: should `stack.db` be replaced (a restored backup, an
///   import, another stack) the index is rebuilt. A rebuild indexes every
///   record by `rid`, in chunks (`rebuild_next`, `rebuild_through`), then follows the changes
///   made since it began.
///
/// The file holds nothing that cannot be derived again: backups leave it out, and a missing or
/// damaged one is rebuilt at open.
enum FullTextIndex {
    static let fileName = "search.db"
    /// The name `search.db` is attached under, on the indexer's and the readers' connections.
    static let schemaName = "search"

    static let migrations = Migrations([
        .init(
            version: 1,
            sql: """
                CREATE TABLE state (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    seq INTEGER NOT NULL,
                    seq_at INTEGER,
                    owner TEXT,
                    rebuild_next INTEGER,
                    rebuild_through INTEGER
                );
                CREATE TABLE docs (rid INTEGER PRIMARY KEY, body TEXT NOT NULL);
                CREATE VIRTUAL TABLE records_fts USING fts5(
                    body, content = '', columnsize = 0, tokenize = 'unicode61 remove_diacritics 2');
                -- Merge 16 segments of a level at a time instead of 4: each indexed word is rewritten
                -- about half as often as the index grows; a search reads a few more segments.
                INSERT INTO records_fts (records_fts, rank) VALUES ('automerge', 16);
                """)
    ])

    /// The SQL expression of the text indexed for a content: its string values, space-separated.
    static func body(_ content: String) -> String {
        "coalesce((SELECT group_concat(t.value, ' ') FROM json_tree(\(content)) t WHERE t.type = 'text'), '')"
    }

    /// Where the index stands. `indexedThrough` is `nil` while a rebuild is under way.
    struct Progress: Equatable {
        var indexedThrough: Int64?
        /// More work is known to be waiting (the next pass should follow at once).
        var more: Bool
    }

    /// Checks that the index follows this `stack.db` (attached as `store`), and starts a rebuild
    /// when it does not. Runs in a transaction of its own.
    static func prepare(_ db: Database) throws {
        try db.inTransaction(.deferred) { db in
            let state = try db.fetchOne("SELECT seq, seq_at, owner FROM state WHERE id = 1") {
                ($0.int64(0), $0.optionalInt64(1), $0.isNull(2) ? nil : $0.text(2))
            }
            if let (seq, at, owner) = state {
                let latest = try db.fetchOne("SELECT max(seq) FROM store.changes") { $0.optionalInt64(0) }.flatMap { $0 } ?? 0
                let atThen = try db.fetchOne("SELECT at FROM store.changes WHERE seq = ?", [seq]) { $0.int64(0) }
                let ownerNow = try db.fetchOne("SELECT value FROM store.meta WHERE key = 'owner_entity_id'") { $0.text(0) }
                if owner == ownerNow && seq <= latest && (seq == 0 || atThen == at) { return }
            }
            try startRebuild(db)
        }
    }

    /// Forgets everything indexed and plans a rebuild from the records as they are now.
    static func startRebuild(_ db: Database) throws {
        try db.execute("INSERT INTO records_fts (records_fts) VALUES ('delete-all')")
        try db.execute("DELETE FROM docs")
        let seq = try db.fetchOne("SELECT max(seq) FROM store.changes") { $0.optionalInt64(0) }.flatMap { $0 } ?? 0
        let through = try db.fetchOne("SELECT max(rid) FROM store.records") { $0.optionalInt64(0) }.flatMap { $0 } ?? 0
        try db.execute(
            """
            INSERT OR REPLACE INTO state (id, seq, seq_at, owner, rebuild_next, rebuild_through)
            VALUES (1, ?, (SELECT at FROM store.changes WHERE seq = ?), (SELECT value FROM store.meta WHERE key = 'owner_entity_id'), 0, ?)
            """, [seq, seq, through])
    }

    /// One step, in a transaction of its own: a chunk of the rebuild (`limit` records), or the
    /// records re-written or erased by the next `limit` changes.
    static func indexNext(_ db: Database, limit: Int) throws -> Progress {
        // DEFERRED: `store` is only read, so only `search.db` gets a write lock; IMMEDIATE would
        // take `stack.db`'s too, and contend with its writer.
        try db.inTransaction(.deferred) { db in
            guard let (seq, next, through) = try db.fetchOne(
                "SELECT seq, rebuild_next, rebuild_through FROM state WHERE id = 1", [], { ($0.int64(0), $0.optionalInt64(1), $0.optionalInt64(2)) })
            else {
                try startRebuild(db)
                return Progress(indexedThrough: nil, more: true)
            }
            if let next, let through {
                let upper = min(through, next + Int64(limit))
                try db.execute(
                    "INSERT INTO docs (rid, body) SELECT r.rid, \(body("r.content")) FROM store.records r WHERE r.rid > ? AND r.rid <= ?",
                    [next, upper])
                try db.execute("INSERT INTO records_fts (rowid, body) SELECT rid, body FROM docs WHERE rid > ? AND rid <= ?", [next, upper])
                let done = upper >= through
                let (nextAfter, throughAfter): (Int64?, Int64?) = done ? (nil, nil) : (upper, through)
                try db.execute("UPDATE state SET rebuild_next = ?, rebuild_through = ? WHERE id = 1", [nextAfter, throughAfter])
                return Progress(indexedThrough: nil, more: true)
            }
            // The first read of `store` fixes its snapshot: the changes and the records read below
            // agree with each other.
            guard let upto = try db.fetchOne(
                "SELECT max(seq) FROM (SELECT seq FROM store.changes WHERE seq > ? ORDER BY seq LIMIT ?)", [seq, limit], { $0.optionalInt64(0) })
                .flatMap({ $0 })
            else { return Progress(indexedThrough: seq, more: false) }
            try db.execute("CREATE TEMP TABLE IF NOT EXISTS fts_batch (rid INTEGER PRIMARY KEY)")
            try db.execute("DELETE FROM temp.fts_batch")
            try db.execute(
                """
                INSERT OR IGNORE INTO temp.fts_batch (rid)
                SELECT rid FROM store.changes
                WHERE seq > ? AND seq <= ? AND rid IS NOT NULL AND operation IN ('create', 'update', 'restore', 'erase')
                """, [seq, upto])
            // CROSS JOIN keeps the batch (a few rows) outside the loop over the big tables.
            try db.execute(
                """
                INSERT INTO records_fts (records_fts, rowid, body)
                SELECT 'delete', d.rid, d.body FROM temp.fts_batch b CROSS JOIN docs d ON d.rid = b.rid
                """)
            try db.execute("DELETE FROM docs WHERE rid IN (SELECT rid FROM temp.fts_batch)")
            try db.execute(
                """
                INSERT INTO docs (rid, body)
                SELECT r.rid, \(body("r.content")) FROM temp.fts_batch b CROSS JOIN store.records r ON r.rid = b.rid
                """)
            try db.execute(
                "INSERT INTO records_fts (rowid, body) SELECT d.rid, d.body FROM temp.fts_batch b CROSS JOIN docs d ON d.rid = b.rid")
            try db.execute(
                "UPDATE state SET seq = ?, seq_at = (SELECT at FROM store.changes WHERE seq = ?) WHERE id = 1", [upto, upto])
            return Progress(indexedThrough: upto, more: true)
        }
    }
}
