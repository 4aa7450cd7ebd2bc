import CSQLite

/// One SQLite connection. It owns its handle, caches its prepared statements and is used on one
/// thread at a time (the ``DatabasePool`` gives every connection a thread of its own).
///
/// ```swift
/// let db = try Database(path: path, mode: .create)
/// try db.execute("CREATE TABLE t (x INTEGER)")
/// try db.inTransaction(.immediate) { db in try db.execute("INSERT INTO t VALUES (?)", [1]) }
/// let count = try db.fetchOne("SELECT count(*) FROM t") { $0.int(0) }
/// ```
package final class Database {
    /// How a connection opens its file.
    package enum Mode: Sendable {
        /// Read-write, creating the file when missing.
        case create
        /// Read-write; the file must exist.
        case readWrite
        /// Read-only (WAL readers).
        case readOnly
    }

    /// How a transaction starts (SQLite `BEGIN DEFERRED | IMMEDIATE | EXCLUSIVE`).
    package enum TransactionKind: String, Sendable {
        case deferred = "DEFERRED"
        case immediate = "IMMEDIATE"
        case exclusive = "EXCLUSIVE"
    }

    let handle: OpaquePointer
    package let path: String
    private var statements: [String: Statement] = [:]
    private var savepointDepth = 0

    /// Opens a connection with extended result codes and a busy timeout.
    /// - Parameter walFileVFS: `false` opens with SQLite's default VFS instead of ``WALFileVFS``
    ///   (tests compare the two).
    package init(path: String, mode: Mode, busyTimeoutMilliseconds: Int32 = 5000, walFileVFS: Bool = true) throws(DatabaseError) {
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        switch mode {
        case .create: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        case .readWrite: flags |= SQLITE_OPEN_READWRITE
        case .readOnly: flags |= SQLITE_OPEN_READONLY
        }
        var db: OpaquePointer?
        // Before SQLite's first initialization, which the VFS lookup below may make.
        _ = SQLiteProcess.isConfigured
        // WAL files are written one frame per system call (``WALFileVFS``); the default VFS
        // otherwise.
        let code = sqlite3_open_v2(path, &db, flags, walFileVFS && WALFileVFS.isRegistered ? WALFileVFS.name : nil)
        guard code == SQLITE_OK, let db else {
            // sqlite3_open_v2 allocates a handle even on failure; it must be closed (C API contract).
            let message = db.map { String(cString: sqlite3_errmsg($0)) }
            sqlite3_close_v2(db)
            throw DatabaseError(extendedCode: code, message: message)
        }
        self.handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
    }

    /// Whether ``close()`` ran.
    private(set) var isClosed = false

    /// Finalizes the cached statements and closes the connection now, so whoever waits for the
    /// close (the pool's `close()`) resumes only once SQLite has released the files (the last
    /// connection's close also removes the `-wal` and `-shm` files). Using the connection after this
    /// is a programmer error.
    func close() {
        guard !isClosed else { return }
        isClosed = true
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    deinit {
        close()
    }

    func error(code: Int32, sql: String?) -> DatabaseError {
        let extended = sqlite3_extended_errcode(handle)
        // sqlite3_errmsg describes the most recent failure on this connection; use it only when the
        // codes agree, else the generic text for `code`.
        if extended & 0xff == code & 0xff {
            return DatabaseError(extendedCode: extended, message: String(cString: sqlite3_errmsg(handle)), sql: sql)
        }
        return DatabaseError(extendedCode: code, sql: sql)
    }

    // MARK: Statements

    /// The most statements a connection keeps prepared. Queries built from user filters can
    /// have any number of shapes; past this many the cache starts over, so it cannot grow
    /// without bound.
    static let statementCacheLimit = 512

    /// A prepared statement for `sql`, from the connection's cache.
    package func cachedStatement(_ sql: String) throws(DatabaseError) -> Statement {
        if let statement = statements[sql] { return statement }
        let statement = try Statement(database: self, sql: sql)
        // A statement still in use is kept alive by its user and finalized when it is done.
        if statements.count >= Self.statementCacheLimit { statements.removeAll(keepingCapacity: true) }
        statements[sql] = statement
        return statement
    }

    /// How many statements the cache holds (for tests).
    var cachedStatementCount: Int { statements.count }

    /// Runs one or more statements without arguments (schema scripts, pragmas).
    package func executeScript(_ sql: String) throws(DatabaseError) {
        schemaChangeCount += 1  // a script may hold anything
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &message)
        if code != SQLITE_OK {
            let text = message.map { String(cString: $0) }
            sqlite3_free(message)
            throw DatabaseError(extendedCode: sqlite3_extended_errcode(handle), message: text, sql: sql)
        }
    }

    /// Runs one statement to completion.
    package func execute(_ sql: String, _ arguments: StatementArguments = []) throws(DatabaseError) {
        let statement = try cachedStatement(sql)
        try statement.bind(arguments)
        defer { statement.reset() }
        while try statement.step() {}
    }

    /// Calls `row` for each result row.
    package func forEachRow(
        _ sql: String, _ arguments: StatementArguments = [], _ row: (Statement) throws -> Void
    ) throws {
        let statement = try cachedStatement(sql)
        try statement.bind(arguments)
        defer { statement.reset() }
        while try statement.step() { try row(statement) }
    }

    /// The first row mapped by `row`, or `nil` when there is none.
    package func fetchOne<T>(
        _ sql: String, _ arguments: StatementArguments = [], _ row: (Statement) throws -> T
    ) throws -> T? {
        let statement = try cachedStatement(sql)
        try statement.bind(arguments)
        defer { statement.reset() }
        return try statement.step() ? row(statement) : nil
    }

    /// Every row mapped by `row`.
    package func fetchAll<T>(
        _ sql: String, _ arguments: StatementArguments = [], _ row: (Statement) throws -> T
    ) throws -> [T] {
        var results: [T] = []
        try forEachRow(sql, arguments) { results.append(try row($0)) }
        return results
    }

    /// Whether the query returns at least one row.
    package func exists(_ sql: String, _ arguments: StatementArguments = []) throws -> Bool {
        try fetchOne(sql, arguments) { _ in true } ?? false
    }

    /// Rows inserted, updated or deleted by statements on this connection since it opened (not
    /// counting trigger and foreign-key actions, which only happen when a statement changes rows).
    package var totalChanges: Int64 { sqlite3_total_changes64(handle) }

    /// Statements run that may have changed the schema (and scripts), which ``totalChanges``
    /// does not count. Together they tell whether a failed write left anything behind.
    package internal(set) var schemaChangeCount = 0

    /// The rowid of the last successful INSERT on this connection.
    package var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    package var changedRowCount: Int { Int(sqlite3_changes(handle)) }

    /// Whether a transaction is open (SQLite is not in autocommit mode).
    package var isInsideTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    // MARK: Transactions

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws (the
    /// body's error is rethrown, not a rollback error).
    package func inTransaction<T>(_ kind: TransactionKind = .deferred, _ body: (Database) throws -> T) throws -> T {
        try execute("BEGIN \(kind.rawValue)")
        let result: T
        do {
            result = try body(self)
        } catch {
            rollbackQuietly()
            throw error
        }
        do {
            try execute("COMMIT")
        } catch {
            rollbackQuietly()
            throw error
        }
        return result
    }

    /// Runs `body` inside a savepoint: released when it returns, rolled back to when it throws.
    /// Savepoints nest, and work inside or outside a transaction.
    package func inSavepoint<T>(_ body: (Database) throws -> T) throws -> T {
        savepointDepth += 1
        let name = "sp\(savepointDepth)"
        defer { savepointDepth -= 1 }
        try execute("SAVEPOINT \(name)")
        do {
            let result = try body(self)
            try execute("RELEASE \(name)")
            return result
        } catch {
            // When SQLite already rolled the whole transaction back (e.g. SQLITE_FULL), the savepoint
            // is gone; ignore the failures of these cleanup statements.
            if isInsideTransaction {
                try? execute("ROLLBACK TO \(name)")
                try? execute("RELEASE \(name)")
            }
            throw error
        }
    }

    /// Rolls back the open transaction, if any, ignoring errors.
    package func rollbackQuietly() {
        if isInsideTransaction { try? execute("ROLLBACK") }
    }

    // MARK: Pragmas

    /// Reads a single-value pragma as an integer.
    package func pragmaInt(_ name: String) throws -> Int64 {
        try fetchOne("PRAGMA \(name)") { $0.int64(0) } ?? 0
    }

    /// Reads a single-value pragma as text.
    package func pragmaText(_ name: String) throws -> String? {
        try fetchOne("PRAGMA \(name)") { $0.text(0) }
    }
}

// A connection is confined to one thread at a time; the pool hands it between threads only
// through its job queues.
@available(*, unavailable)
extension Database: Sendable {}
