import CSQLite
import Foundation

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
    /// rewrites that text in `sqlite_schema` (SQLite's documented `writable_schema` procedure
    /// for changes that leave the stored rows valid: every row satisfies the old constraint,
    /// hence the equivalent new one) and bumps the schema version so that every connection,
    /// this one included, parses the tables again. The new text is parsed before the
    /// transaction commits; a text that did not parse would roll the migration back. A table
    /// whose text lacks the old constraint exactly as written is left as it is.
    static let version7: @Sendable (Database) throws -> Void = { db in
        let rewrites: [(table: String, old: String, new: String)] = [
            (
                "changes",
                "CHECK (operation IN ('create', 'update', 'delete', 'restore', 'permissions', 'erase'))",
                "CHECK (operation = 'create' OR operation = 'update' OR operation = 'delete' OR operation = 'restore'"
                    + " OR operation = 'permissions' OR operation = 'erase')"
            ),
            (
                "records",
                "CHECK (version_op IN ('create', 'update', 'restore'))",
                "CHECK (version_op = 'create' OR version_op = 'update' OR version_op = 'restore')"
            ),
        ]
        let schemaVersion = try db.pragmaInt("schema_version")
        // A defensive build (SQLITE_DBCONFIG_DEFENSIVE on by default) refuses writable_schema.
        var wasDefensive: Int32 = 0
        _ = stack_sqlite3_db_config_int(db.handle, SQLITE_DBCONFIG_DEFENSIVE, -1, &wasDefensive)
        _ = stack_sqlite3_db_config_int(db.handle, SQLITE_DBCONFIG_DEFENSIVE, 0, nil)
        defer { _ = stack_sqlite3_db_config_int(db.handle, SQLITE_DBCONFIG_DEFENSIVE, wasDefensive, nil) }
        try db.executeScript("PRAGMA writable_schema = ON")
        do {
            for rewrite in rewrites {
                let sql = try db.fetchOne("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?", [rewrite.table]) {
                    $0.text(0)
                }
                // A table whose text differs (edited by hand, or already rewritten) keeps it: the
                // old constraint is only slower, never wrong.
                guard let sql, sql.contains(rewrite.old) else { continue }
                try db.execute(
                    "UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = ?",
                    [sql.replacingOccurrences(of: rewrite.old, with: rewrite.new), rewrite.table])
            }
            try db.executeScript("PRAGMA schema_version = \(schemaVersion + 1)")
            try db.executeScript("PRAGMA writable_schema = OFF")
        } catch {
            try? db.executeScript("PRAGMA writable_schema = OFF")
            throw error
        }
        // Parses the new text now, inside the transaction.
        _ = try db.fetchOne("SELECT count(*) FROM (SELECT 1 FROM changes LIMIT 1), (SELECT 1 FROM records LIMIT 1)") { $0.int(0) }
    }
}
