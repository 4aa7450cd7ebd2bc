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

    /// The SQL expression of the text indexed for a content (``ContentText``; the connection
    /// must have the function registered).
    static func body(_ content: String) -> String {
        "\(ContentText.sqlFunctionName)(\(content))"
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

    /// One step: a chunk of the rebuild (`limit` records), or the records re-written or erased by
    /// the next `limit` changes. In two transactions:
    ///
    /// 1. A short read of `stack.db` (`store`): which records to index, and the text of each now
    ///    (NULL when it is gone), into `temp.fts_batch`. It ends before the costly part, so the
    ///    indexer holds a snapshot of `stack.db` only briefly (a passive checkpoint copies no
    ///    frame that a reader's snapshot may still need).
    /// 2. `search.db` alone: the index forgets and learns the texts that changed (a patch that
    ///    changes no string value costs nothing here) and notes how far it got. Should the
    ///    process stop between the two, the next pass does the step again; should another
    ///    process's indexer have moved the state meanwhile, this pass applies nothing.
    /// - Parameter betweenSteps: runs between the two transactions (tests stand in for another
    ///   process there).
    static func indexNext(_ db: Database, limit: Int, betweenSteps: () throws -> Void = {}) throws -> Progress {
        try db.execute("CREATE TEMP TABLE IF NOT EXISTS fts_batch (rid INTEGER PRIMARY KEY, body TEXT)")
        // DEFERRED: `store` is only read, so it takes no lock that would contend with its writer.
        let (state, step) = try db.inTransaction(.deferred) { db -> (State?, Step) in
            try db.execute("DELETE FROM temp.fts_batch")
            guard let state = try State.read(db) else { return (nil, .startRebuild) }
            if let next = state.rebuildNext, let through = state.rebuildThrough {
                let upper = min(through, next + Int64(limit))
                try db.execute(
                    "INSERT INTO temp.fts_batch (rid, body) SELECT r.rid, \(body("r.content")) FROM store.records r WHERE r.rid > ? AND r.rid <= ?",
                    [next, upper])
                return (state, .rebuild(upper: upper, through: through))
            }
            // The first read of `store` fixes its snapshot: the changes and the records read below
            // agree with each other.
            guard let (count, upto) = try db.fetchOne(
                "SELECT count(*), max(seq) FROM (SELECT seq FROM store.changes WHERE seq > ? ORDER BY seq LIMIT ?)", [state.seq, limit],
                { row in row.optionalInt64(1).map { (row.int(0), $0) } })
                .flatMap({ $0 })
            else { return (state, .upToDate(state.seq)) }
            try db.execute(
                """
                INSERT INTO temp.fts_batch (rid, body)
                SELECT c.rid, (SELECT \(body("r.content")) FROM store.records r WHERE r.rid = c.rid)
                FROM (SELECT DISTINCT rid FROM store.changes
                      WHERE seq > ? AND seq <= ? AND rid IS NOT NULL AND operation IN ('create', 'update', 'restore', 'erase')) c
                """, [state.seq, upto])
            let at = try db.fetchOne("SELECT at FROM store.changes WHERE seq = ?", [upto]) { $0.int64(0) }
            return (state, .changes(upto: upto, at: at, full: count >= limit))
        }
        if case .upToDate(let seq) = step { return Progress(indexedThrough: seq, more: false) }
        try betweenSteps()
        // DEFERRED again: BEGIN IMMEDIATE would take the write lock of every attached database,
        // `stack.db`'s too. The first statement takes `search.db`'s write lock; then the state
        // must still be the one the batch was read for. Another process's indexer (a command run
        // beside the server opens the store too) may have moved it, or started a rebuild: then
        // this batch is stale and the next pass reads afresh.
        return try db.inTransaction(.deferred) { db in
            try db.execute("UPDATE state SET id = id WHERE id = 1")
            guard try State.read(db) == state else { return Progress(indexedThrough: nil, more: true) }
            defer { try? db.execute("DELETE FROM temp.fts_batch") }
            switch step {
            case .startRebuild:
                try startRebuild(db)
                return Progress(indexedThrough: nil, more: true)
            case .upToDate(let seq):
                return Progress(indexedThrough: seq, more: false)
            case .rebuild(let upper, let through):
                try db.execute("INSERT INTO docs (rid, body) SELECT rid, body FROM temp.fts_batch")
                try db.execute("INSERT INTO records_fts (rowid, body) SELECT rid, body FROM temp.fts_batch")
                let done = upper >= through
                let (nextAfter, throughAfter): (Int64?, Int64?) = done ? (nil, nil) : (upper, through)
                try db.execute("UPDATE state SET rebuild_next = ?, rebuild_through = ? WHERE id = 1", [nextAfter, throughAfter])
                return Progress(indexedThrough: nil, more: true)
            case .changes(let upto, let at, let full):
                // Texts the index already holds need nothing (NULL IS NULL: a record created and
                // erased before the index saw it).
                try db.execute("DELETE FROM temp.fts_batch WHERE body IS (SELECT d.body FROM docs d WHERE d.rid = fts_batch.rid)")
                // CROSS JOIN keeps the batch (a few rows) outside the loop over the big tables.
                try db.execute(
                    """
                    INSERT INTO records_fts (records_fts, rowid, body)
                    SELECT 'delete', d.rid, d.body FROM temp.fts_batch b CROSS JOIN docs d ON d.rid = b.rid
                    """)
                try db.execute("DELETE FROM docs WHERE rid IN (SELECT rid FROM temp.fts_batch)")
                try db.execute("INSERT INTO docs (rid, body) SELECT rid, body FROM temp.fts_batch WHERE body IS NOT NULL")
                try db.execute("INSERT INTO records_fts (rowid, body) SELECT rid, body FROM temp.fts_batch WHERE body IS NOT NULL")
                try db.execute("UPDATE state SET seq = ?, seq_at = ? WHERE id = 1", [upto, at])
                // More is known to wait only when the pass took all it could: otherwise what came
                // meanwhile waits for the next pass (each pass costs a transaction and makes an
                // FTS5 segment, so a pass right after a full one would take a few changes only).
                return Progress(indexedThrough: upto, more: full)
            }
        }
    }

    /// The `state` row: how far the index got, and a rebuild's progress.
    struct State: Equatable {
        var seq: Int64
        var rebuildNext: Int64?
        var rebuildThrough: Int64?

        static func read(_ db: Database) throws -> State? {
            try db.fetchOne("SELECT seq, rebuild_next, rebuild_through FROM state WHERE id = 1") {
                State(seq: $0.int64(0), rebuildNext: $0.optionalInt64(1), rebuildThrough: $0.optionalInt64(2))
            }
        }
    }

    /// What the read of a pass found to do.
    private enum Step {
        /// There is no `state` row: plan a rebuild.
        case startRebuild
        /// Index the records `temp.fts_batch` holds, a chunk of the rebuild up to `upper`.
        case rebuild(upper: Int64, through: Int64)
        /// Apply `temp.fts_batch` for the changes up to `upto` (made at `at`); `full` when the
        /// pass took as many changes as it may.
        case changes(upto: Int64, at: Int64?, full: Bool)
        /// Nothing new after `seq`.
        case upToDate(Int64)
    }
}
