import CSQLite

/// A prepared statement: typed parameter binding and column reads.
///
/// A statement belongs to the ``Database`` that prepared it and is used only on that connection's
/// thread. Column indexes are zero-based, parameters are bound in order from an argument list.
package final class Statement {
    let handle: OpaquePointer
    /// The SQL text, for error reports (never the arguments).
    package let sql: String
    private unowned let database: Database
    /// Whether the statement changes the schema (CREATE, DROP, ALTER), which
    /// `sqlite3_total_changes` does not count; see ``Database/schemaChangeCount``.
    private let changesSchema: Bool

    init(database: Database, sql: String) throws(DatabaseError) {
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v3(database.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else {
            sqlite3_finalize(statement)
            throw database.error(code: code, sql: sql)
        }
        self.handle = statement
        self.sql = sql
        self.database = database
        let keyword = sql.drop(while: \.isWhitespace).prefix(6).uppercased()
        self.changesSchema = keyword.hasPrefix("CREATE") || keyword.hasPrefix("DROP") || keyword.hasPrefix("ALTER")
    }

    deinit { sqlite3_finalize(handle) }

    /// Resets the statement and binds `arguments` to its parameters, in order.
    package func bind(_ arguments: StatementArguments) throws(DatabaseError) {
        sqlite3_reset(handle)
        // No sqlite3_clear_bindings: every parameter is bound below, which releases its previous
        // value (clearing them first was 2 % of the writer's time per create).
        let count = Int(sqlite3_bind_parameter_count(handle))
        // Programmer error, not input error: the SQL and its argument list disagree.
        precondition(count == arguments.count, "statement expects \(count) arguments, got \(arguments.count): \(sql)")
        for (offset, argument) in arguments.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch argument.databaseValue {
            case .null: code = sqlite3_bind_null(handle, index)
            case .integer(let value): code = sqlite3_bind_int64(handle, index, value)
            case .real(let value): code = sqlite3_bind_double(handle, index, value)
            case .text(var value):
                // SQLITE_TRANSIENT: SQLite copies the bytes before the call returns. An empty
                // string needs a non-NULL pointer, or SQLite would bind NULL.
                code = value.withUTF8 { buffer -> Int32 in
                    guard let base = buffer.baseAddress, buffer.count > 0 else {
                        return sqlite3_bind_text(handle, index, "", 0, stack_sqlite3_transient())
                    }
                    return base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                        sqlite3_bind_text(handle, index, $0, Int32(buffer.count), stack_sqlite3_transient())
                    }
                }
            case .blob(let value):
                code = value.isEmpty
                    ? sqlite3_bind_zeroblob(handle, index, 0)
                    : value.withUnsafeBytes { buffer in
                        sqlite3_bind_blob(handle, index, buffer.baseAddress, Int32(buffer.count), stack_sqlite3_transient())
                    }
            }
            guard code == SQLITE_OK else { throw database.error(code: code, sql: sql) }
        }
    }

    /// Advances to the next row: `true` when a row is available, `false` when done.
    @discardableResult
    package func step() throws(DatabaseError) -> Bool {
        if changesSchema { database.schemaChangeCount += 1 }
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = database.error(code: code, sql: sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    /// Resets the statement so it releases its read snapshot and can run again.
    package func reset() { sqlite3_reset(handle) }

    // MARK: Columns

    package var columnCount: Int32 { sqlite3_column_count(handle) }

    package func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    package func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    package func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(handle, column)) }

    package func bool(_ column: Int32) -> Bool { sqlite3_column_int64(handle, column) != 0 }

    package func double(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }

    package func optionalInt64(_ column: Int32) -> Int64? { isNull(column) ? nil : int64(column) }

    package func text(_ column: Int32) -> String {
        guard let pointer = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    package func optionalText(_ column: Int32) -> String? { isNull(column) ? nil : text(column) }

    package func blob(_ column: Int32) -> [UInt8] {
        guard let pointer = sqlite3_column_blob(handle, column) else { return [] }
        let count = Int(sqlite3_column_bytes(handle, column))
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// The column's bytes as stored (TEXT as UTF-8), without decoding.
    package func bytes(_ column: Int32) -> [UInt8] {
        if sqlite3_column_type(handle, column) == SQLITE_TEXT {
            guard let pointer = sqlite3_column_text(handle, column) else { return [] }
            return Array(UnsafeBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(handle, column))))
        }
        return blob(column)
    }

    package func value(_ column: Int32) -> DatabaseValue {
        switch sqlite3_column_type(handle, column) {
        case SQLITE_NULL: return .null
        case SQLITE_INTEGER: return .integer(int64(column))
        case SQLITE_FLOAT: return .real(double(column))
        case SQLITE_BLOB: return .blob(blob(column))
        default: return .text(text(column))
        }
    }
}

// A statement is confined to its connection's thread.
@available(*, unavailable)
extension Statement: Sendable {}
