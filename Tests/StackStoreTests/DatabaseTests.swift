import Foundation
import Testing
import StackTesting
@testable import StackStore

@Suite struct DatabaseTests {
    func makeDatabase() throws -> (Database, TemporaryDirectory) {
        let dir = TemporaryDirectory()
        let db = try Database(path: dir.path + "/test.db", mode: .create)
        try db.executeScript("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE, data BLOB, score REAL)")
        return (db, dir)
    }

    @Test func bindsAndReadsEveryType() throws {
        let (db, dir) = try makeDatabase()
        defer { dir.remove() }
        try db.execute("INSERT INTO t (name, data, score) VALUES (?, ?, ?)", ["héllo\u{0}x", [1, 2, 3] as [UInt8], 2.5])
        try db.execute("INSERT INTO t (name, data, score) VALUES (?, ?, ?)", ["", [UInt8](), Optional<Double>.none])
        let rows = try db.fetchAll("SELECT name, data, score FROM t ORDER BY id") { ($0.text(0), $0.blob(1), $0.isNull(2) ? nil : $0.double(2)) }
        #expect(rows.count == 2)
        #expect(rows[0].0 == "héllo\u{0}x")
        #expect(rows[0].1 == [1, 2, 3])
        #expect(rows[0].2 == 2.5)
        #expect(rows[1].0 == "")
        #expect(rows[1].2 == nil)
        #expect(try db.fetchOne("SELECT name FROM t WHERE name = ''") { $0.isNull(0) } == false)
    }

    /// Queries built from user filters can take any number of shapes: the cache stays bounded,
    /// and a statement in use when the cache starts over still works.
    @Test func statementCacheStaysBounded() throws {
        let (db, dir) = try makeDatabase()
        defer { dir.remove() }
        try db.execute("INSERT INTO t (name) VALUES ('a'), ('b')")
        var seen: [String] = []
        try db.forEachRow("SELECT name FROM t ORDER BY id") { row in
            // Thousands of distinct statements while this one is mid-iteration.
            for i in 0..<(Database.statementCacheLimit * 2 + 10) {
                _ = try db.fetchOne("SELECT \(i) + 0") { $0.int(0) }
            }
            seen.append(row.text(0))
        }
        #expect(seen == ["a", "b"])
        #expect(db.cachedStatementCount <= Database.statementCacheLimit)
    }

    @Test func errorCarriesExtendedCodeAndSQLButNotArguments() throws {
        let (db, dir) = try makeDatabase()
        defer { dir.remove() }
        try db.execute("INSERT INTO t (name) VALUES (?)", ["secret-value"])
        do {
            try db.execute("INSERT INTO t (name) VALUES (?)", ["secret-value"])
            Issue.record("expected a constraint error")
        } catch {
            #expect(error.extendedCode == 2067)  // SQLITE_CONSTRAINT_UNIQUE
            #expect(error.isConstraintViolation)
            #expect(error.sql == "INSERT INTO t (name) VALUES (?)")
            #expect(!error.description.contains("secret-value"))
        }
    }

    @Test func transactionRollsBackOnThrownError() throws {
        let (db, dir) = try makeDatabase()
        defer { dir.remove() }
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try db.inTransaction(.immediate) { db in
                try db.execute("INSERT INTO t (name) VALUES ('a')")
                throw Boom()
            }
        }
        #expect(try db.fetchOne("SELECT count(*) FROM t") { $0.int(0) } == 0)
        #expect(!db.isInsideTransaction)
        try db.inTransaction { db in try db.execute("INSERT INTO t (name) VALUES ('b')") }
        #expect(try db.fetchOne("SELECT count(*) FROM t") { $0.int(0) } == 1)
    }

    @Test func savepointRollsBackOnlyItsOwnWork() throws {
        let (db, dir) = try makeDatabase()
        defer { dir.remove() }
        struct Boom: Error {}
        try db.inTransaction { db in
            try db.execute("INSERT INTO t (name) VALUES ('kept')")
            _ = try? db.inSavepoint { db in
                try db.execute("INSERT INTO t (name) VALUES ('dropped')")
                throw Boom()
            }
        }
        #expect(try db.fetchAll("SELECT name FROM t") { $0.text(0) } == ["kept"])
    }

    @Test func migrationsRunOnceAndRefuseNewerDatabase() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path + "/m.db"
        let migrations = Migrations([
            .init(version: 1, sql: "CREATE TABLE a (x)"), .init(version: 2, sql: "CREATE TABLE b (y)"),
        ])
        do {
            let db = try Database(path: path, mode: .create)
            try migrations.migrate(db)
            try migrations.migrate(db)  // idempotent
            #expect(try db.pragmaInt("user_version") == 2)
            try db.executeScript("PRAGMA user_version = 7")
        }
        let db = try Database(path: path, mode: .readWrite)
        #expect(throws: MigrationError.self) { try migrations.migrate(db) }
    }

    @Test func storeRefusesDatabaseFromNewerVersion() async throws {
        let stack = try await TestStack.make()
        let dir = stack.directory
        await stack.store.close()
        do {
            let db = try Database(path: dir.path + "/stack.db", mode: .readWrite)
            try db.executeScript("PRAGMA user_version = 999")
        }
        let error = await storeError { _ = try await Store.open(at: dir.path) }
        #expect(error?.description.contains("newer") == true)
        dir.remove()
    }

    /// The server no longer runs an integrity check at start (`stack check` does), but a file
    /// that is not a database is still refused with a clear error, and left as it was.
    @Test func storeRefusesAFileThatIsNotADatabase() async throws {
        let stack = try await TestStack.make()
        let dir = stack.directory
        await stack.store.close()
        let garbage = Data(repeating: 0x5A, count: 8192)
        try garbage.write(to: URL(fileURLWithPath: dir.path + "/stack.db"))
        let error = await storeError { _ = try await Store.open(at: dir.path) }
        #expect(error?.description.contains("not a database") == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.path + "/stack.db")) == garbage)
        dir.remove()
    }

    /// The WAL written through ``WALFileVFS`` (a frame header held back and written with its
    /// page) is the WAL any SQLite reads, and the other way round, before any checkpoint.
    @Test func walFilesAreInterchangeableWithPlainSQLite() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path + "/wal.db"
        var random = SplitMix64(seed: 7)
        func blob(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8(truncatingIfNeeded: random.next()) } }
        for (writerUsesShim, readerUsesShim) in [(true, false), (false, true)] {
            try? FileManager.default.removeItem(atPath: path)
            let writer = try Database(path: path, mode: .create, walFileVFS: writerUsesShim)
            #expect(try writer.pragmaText("journal_mode = WAL") == "wal")
            try writer.executeScript("PRAGMA wal_autocheckpoint = 0; CREATE TABLE b (id INTEGER PRIMARY KEY, data BLOB)")
            var expected: [Int64: [UInt8]] = [:]
            for round in 0..<20 {
                try writer.inTransaction(.immediate) { db in
                    for i in 0..<25 {
                        let id = Int64(round * 25 + i)
                        let data = blob(Int(random.next() % 9000))  // up to two pages and overflow
                        try db.execute("INSERT OR REPLACE INTO b (id, data) VALUES (?, ?)", [id % 300, data])
                        expected[id % 300] = data
                    }
                }
            }
            #expect(FileManager.default.fileExists(atPath: path + "-wal"))
            let reader = try Database(path: path, mode: .readOnly, walFileVFS: readerUsesShim)
            let rows = try reader.fetchAll("SELECT id, data FROM b ORDER BY id") { ($0.int64(0), $0.blob(1)) }
            #expect(rows.count == expected.count)
            #expect(rows.allSatisfy { expected[$0.0] == $0.1 })
            #expect(try reader.pragmaText("integrity_check") == "ok")
            reader.close()
            writer.close()
        }
    }
}
