import CSQLite
import Foundation

// MARK: - Rewriting a table's CREATE TABLE text

extension Schema {
    /// One edit of a table's `CREATE TABLE` text: `old`, exactly as written, becomes `new`.
    struct TableTextRewrite {
        var table: String
        var old: String
        var new: String
    }

    /// Edits tables' `CREATE TABLE` text in `sqlite_schema`, for changes that leave the stored
    /// rows as they are and valid (SQLite's documented `writable_schema` procedure), and bumps the
    /// schema version so that every connection, this one included, parses the tables again. Runs
    /// inside the migration's transaction; the caller reads the tables afterwards, which parses
    /// the new text before the commit (a text that did not parse rolls the migration back). A
    /// table whose text lacks `old` exactly as written is left as it is.
    static func rewriteTableText(_ rewrites: [TableTextRewrite], db: Database) throws {
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
                // rewrites make a table faster to write, never different in what it holds.
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
    }
}
