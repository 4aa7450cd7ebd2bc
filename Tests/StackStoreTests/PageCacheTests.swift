import Foundation
import Testing
import StackTesting
@testable import StackStore

/// The process-wide SQLite settings (``SQLiteProcess``) and the page cache whose commit skips the
/// walk (``PageCacheTruncation``).
@Suite struct PageCacheTests {
    @Test func sqliteTookTheProcessSettings() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let db = try Database(path: dir.path + "/settings.db", mode: .create)
        defer { db.close() }
        #expect(SQLiteProcess.isConfigured)
    }

    /// Random keys make SQLite rebalance pages through the lock page's number (what the wrapper
    /// leaves out of its count); rolled-back transactions and savepoints grow the file and then
    /// give the pages back, which is when a truncation must drop them. A tiny cache makes pages
    /// leave and come back. Whatever was committed reads back exactly, through this connection
    /// and another, and the file is sound.
    @Test func growthRolledBackLeavesNoStalePage() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path + "/cache.db"
        let db = try Database(path: path, mode: .create)
        defer { db.close() }
        #expect(try db.pragmaText("journal_mode = WAL") == "wal")
        try db.executeScript(
            """
            PRAGMA cache_size = 40;
            CREATE TABLE t (k BLOB PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID;
            CREATE INDEX t_by_value ON t(v);
            """)
        var random = SplitMix64(seed: 11)
        func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) } }
        var committed: [[UInt8]: [UInt8]] = [:]
        for round in 0..<24 {
            var pending = committed
            try db.execute("BEGIN IMMEDIATE")
            for _ in 0..<400 {
                let key = bytes(16), value = bytes(Int(random.next() % 300) + 20)
                try db.execute("INSERT INTO t (k, v) VALUES (?, ?)", [key, value])
                pending[key] = value
            }
            try db.execute("SAVEPOINT inner")
            for _ in 0..<300 {
                try db.execute("INSERT INTO t (k, v) VALUES (?, ?)", [bytes(16), bytes(200)])
            }
            try db.execute("ROLLBACK TO inner")
            try db.execute("RELEASE inner")
            if round % 3 == 2 {
                try db.execute("ROLLBACK")
            } else {
                try db.execute("COMMIT")
                committed = pending
            }
            let count = try db.fetchOne("SELECT count(*) FROM t") { $0.int(0) }
            #expect(count == committed.count, "round \(round)")
        }
        let other = try Database(path: path, mode: .readOnly)
        defer { other.close() }
        for connection in [db, other] {
            let rows = try connection.fetchAll("SELECT k, v FROM t") { ($0.blob(0), $0.blob(1)) }
            #expect(rows.count == committed.count)
            #expect(rows.allSatisfy { committed[$0.0] == $0.1 })
            #expect(try connection.pragmaText("integrity_check") == "ok")
        }
    }

    /// When another connection has written, a connection starting its next read drops its whole
    /// cache (a truncation to nothing): the wrapper must pass that on, or the reader would keep
    /// serving the pages it cached before.
    @Test func anotherConnectionsWriteIsSeen() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path + "/two.db"
        let writer = try Database(path: path, mode: .create)
        defer { writer.close() }
        #expect(try writer.pragmaText("journal_mode = WAL") == "wal")
        try writer.executeScript("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)")
        for i in 0..<2000 { try writer.execute("INSERT INTO t (id, v) VALUES (?, ?)", [i, "first \(i)"]) }
        let reader = try Database(path: path, mode: .readOnly)
        defer { reader.close() }
        for round in 0..<5 {
            let seen = try reader.fetchAll("SELECT v FROM t WHERE id % 97 = 0 ORDER BY id") { $0.text(0) }
            #expect(seen == stride(from: 0, to: 2000, by: 97).map { round == 0 ? "first \($0)" : "round \(round - 1) \($0)" })
            try writer.execute("UPDATE t SET v = 'round \(round) ' || id")
        }
    }
}
