import CSQLite

/// An error reported by SQLite: the extended result code, SQLite's message and the SQL that failed.
///
/// The statement's bound arguments are never part of the error, so its `description` cannot leak
/// record content or token hashes into logs.
package struct DatabaseError: Error, Sendable, CustomStringConvertible {
    /// The extended result code (`SQLITE_CONSTRAINT_UNIQUE`, `SQLITE_BUSY_SNAPSHOT`…).
    package var extendedCode: Int32
    /// SQLite's message (`sqlite3_errmsg`), or the code's generic text.
    package var message: String
    /// The SQL being run, without arguments.
    package var sql: String?

    package init(extendedCode: Int32, message: String? = nil, sql: String? = nil) {
        self.extendedCode = extendedCode
        self.message = message ?? String(cString: sqlite3_errstr(extendedCode))
        self.sql = sql
    }

    /// The primary result code (the low byte of the extended code).
    package var code: Int32 { extendedCode & 0xff }

    package var isConstraintViolation: Bool { code == SQLITE_CONSTRAINT }
    package var isBusy: Bool { code == SQLITE_BUSY || code == SQLITE_LOCKED }

    package var description: String {
        var text = "SQLite error \(extendedCode): \(message)"
        if let sql { text += " — while executing `\(sql)`" }
        return text
    }
}
