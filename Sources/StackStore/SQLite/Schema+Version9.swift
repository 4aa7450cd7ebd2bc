// MARK: - Version 9: `changes.seq` without AUTOINCREMENT

extension Schema {
    /// With AUTOINCREMENT, every insert into `changes` (one per create and per patch) read and
    /// rewrote the table's row of `sqlite_sequence`: about a twentieth of the writer's time per
    /// create. Without it SQLite gives a new row the largest `seq` plus one, which is the same
    /// number as long as the newest event is never deleted, and no event is: the log is only
    /// appended to (an import empties it in a stack made a moment before, whose events no one
    /// has read). So `seq` still only grows and is never given twice.
    ///
    /// `records.rid` keeps AUTOINCREMENT: an erased record's `rid` stays in the change log, and a
    /// new record given the same `rid` would inherit its events.
    ///
    /// The keyword lives only in the table's text, and the rows stay as they are, so this edits
    /// the text (``rewriteTableText(_:db:)``) and drops the table's `sqlite_sequence` row.
    static let version9: @Sendable (Database) throws -> Void = { db in
        try rewriteTableText(
            [TableTextRewrite(table: "changes", old: "seq INTEGER PRIMARY KEY AUTOINCREMENT", new: "seq INTEGER PRIMARY KEY")], db: db)
        // Parses the new text now, inside the transaction.
        _ = try db.fetchOne("SELECT count(*) FROM (SELECT 1 FROM changes LIMIT 1)") { $0.int(0) }
        try db.execute("DELETE FROM sqlite_sequence WHERE name = 'changes'")
    }
}
