// MARK: - Version 7: CHECK constraints without a temporary table

extension Schema {
    /// The CHECK constraints on `changes.operation` and `records.version_op` were written as
    /// `x IN ('a', 'b', 'c', …)`. SQLite evaluates an IN list of more than two values by building
    /// a temporary B-tree of the list, once per row written: every create and every patch built
    /// two, about a twentieth of the writer's time. The same constraints written as
    /// `x = 'a' OR x = 'b' OR …` are a few comparisons.
    ///
    /// SQLite cannot alter a CHECK constraint, and rebuilding `records` and `changes` would copy
    /// the whole stack. The constraint lives only in the table's `CREATE TABLE` text, so this
    /// rewrites that text (``rewriteTableText(_:db:)``): every row satisfies the old constraint,
    /// hence the equivalent new one.
    static let version7: @Sendable (Database) throws -> Void = { db in
        let rewrites = [
            TableTextRewrite(
                table: "changes",
                old: "CHECK (operation IN ('create', 'update', 'delete', 'restore', 'permissions', 'erase'))",
                new: "CHECK (operation = 'create' OR operation = 'update' OR operation = 'delete' OR operation = 'restore'"
                    + " OR operation = 'permissions' OR operation = 'erase')"),
            TableTextRewrite(
                table: "records",
                old: "CHECK (version_op IN ('create', 'update', 'restore'))",
                new: "CHECK (version_op = 'create' OR version_op = 'update' OR version_op = 'restore')"),
        ]
        try rewriteTableText(rewrites, db: db)
        // Parses the new text now, inside the transaction.
        _ = try db.fetchOne("SELECT count(*) FROM (SELECT 1 FROM changes LIMIT 1), (SELECT 1 FROM records LIMIT 1)") { $0.int(0) }
    }
}
