import Foundation
import Testing
@testable import StackStore

@Suite struct DatabasePoolTests {
    static let schema = Migrations([.init(version: 1, sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)")])

    func withPool(_ durability: Durability = .full, _ body: (DatabasePool) async throws -> Void) async throws {
        let dir = TemporaryDirectory()
        let pool = try await DatabasePool.open(
            path: dir.path + "/p.db", configuration: DatabaseConfiguration(durability: durability, readerCount: 2),
            migrations: DatabasePoolTests.schema)
        do { try await body(pool) } catch {
            await pool.close()
            dir.remove()
            throw error
        }
        await pool.close()
        dir.remove()
    }

    @Test func opensInWALWithForeignKeysAndFullSync() async throws {
        try await withPool { pool in
            let (mode, fk, sync) = try await pool.write { db in
                (try db.pragmaText("journal_mode"), try db.pragmaInt("foreign_keys"), try db.pragmaInt("synchronous"))
            }
            #expect(mode == "wal")
            #expect(fk == 1)
            #expect(sync == 2)  // FULL
        }
    }

    @Test func failingWriteInABatchDoesNotAffectTheOthers() async throws {
        try await withPool { pool in
            try await pool.write { db in try db.execute("INSERT INTO t (name) VALUES ('taken')") }
            let results = await withTaskGroup(of: Bool.self) { group in
                for i in 0..<50 {
                    group.addTask {
                        let name = i % 5 == 0 ? "taken" : "n\(i)"
                        do {
                            try await pool.write { db in
                                try db.execute("INSERT INTO t (name) VALUES (?)", [name + "-pre"])
                                try db.execute("INSERT INTO t (name) VALUES (?)", [name])
                            }
                            return true
                        } catch {
                            return false
                        }
                    }
                }
                var all: [Bool] = []
                for await ok in group { all.append(ok) }
                return all
            }
            #expect(results.filter { $0 }.count == 40)
            let count = try await pool.read { db in try db.fetchOne("SELECT count(*) FROM t") { $0.int(0) } }
            // 1 initial + 40 writes × 2 rows; the failed writes' "-pre" rows were rolled back.
            #expect(count == 81)
            let pre = try await pool.read { db in try db.exists("SELECT 1 FROM t WHERE name = 'taken-pre'") }
            #expect(!pre)
        }
    }

    /// Reads never wait for writes: a read completes while a write transaction is held open.
    @Test(.timeLimit(.minutes(1))) func readsDoNotWaitForAnOpenWrite() async throws {
        try await withPool { pool in
            try await pool.write { db in try db.execute("INSERT INTO t (name) VALUES ('before')") }
            let started = DispatchSemaphore(value: 0)
            let release = DispatchSemaphore(value: 0)
            // The write blocks the writer thread (never the cooperative pool) until released.
            let writer = Task {
                try await pool.write { db in
                    try db.execute("INSERT INTO t (name) VALUES ('during')")
                    started.signal()
                    release.wait()
                }
            }
            try await Blocking.run { started.wait() }
            let names = try await pool.read { db in try db.fetchAll("SELECT name FROM t ORDER BY id") { $0.text(0) } }
            #expect(names == ["before"])  // the uncommitted row is invisible, and the read did not block
            release.signal()
            try await writer.value
            let after = try await pool.read { db in try db.fetchAll("SELECT name FROM t ORDER BY id") { $0.text(0) } }
            #expect(after == ["before", "during"])
        }
    }

    @Test func readersAreReadOnly() async throws {
        try await withPool { pool in
            await #expect(throws: DatabaseError.self) {
                try await pool.read { db in try db.execute("INSERT INTO t (name) VALUES ('x')") }
            }
        }
    }

    @Test func readsSeeCommittedWrites() async throws {
        try await withPool(.normal) { pool in
            for i in 0..<20 {
                try await pool.write { db in try db.execute("INSERT INTO t (name) VALUES (?)", ["r\(i)"]) }
                let n = try await pool.read { db in try db.fetchOne("SELECT count(*) FROM t") { $0.int(0) } }
                #expect(n == i + 1)
            }
        }
    }
}
