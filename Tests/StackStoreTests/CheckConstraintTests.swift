import Foundation
import Testing
import StackTesting
@testable import StackStore

/// Schema version 7: the CHECK constraints on `changes.operation` and `records.version_op` are
/// comparisons, which SQLite evaluates without building a temporary B-tree per row, and they
/// still refuse what they refused.
@Suite struct CheckConstraintTests {
    static let constrained = ["changes", "records"]

    private func expectConstraintsHold(_ db: Database) throws {
        try db.executeScript("INSERT INTO types (id, schema, created_at) VALUES ('note', '{}', 0)")
        try db.execute(
            """
            INSERT INTO records (rid, id, type, content, version, created_at, updated_at, created_by, version_op)
            VALUES (1, 'a', 'note', '{}', 1, 0, 0, 'owner', 'restore')
            """)
        for operation in ["create", "update", "delete", "restore", "permissions", "erase"] {
            try db.execute(
                "INSERT INTO changes (rid, record_id, type, version, operation, at) VALUES (1, 'a', 'note', 1, ?, 0)", [operation])
        }
        for (sql, value) in [
            ("INSERT INTO changes (rid, record_id, type, version, operation, at) VALUES (1, 'a', 'note', 1, ?, 0)", "Create"),
            ("UPDATE records SET version_op = ? WHERE rid = 1", "delete"),
        ] {
            #expect(throws: DatabaseError.self, "\(sql) with \(value)") { try db.execute(sql, [value]) }
        }
        // The plans build no temporary table for the constraint.
        for sql in [
            "INSERT INTO changes (rid, record_id, type, version, operation, at) VALUES (1, 'a', 'note', 1, 'create', 0)",
            "UPDATE records SET version_op = 'update' WHERE rid = 1",
        ] {
            let opcodes = try db.fetchAll("EXPLAIN " + sql) { $0.text(1) }
            #expect(!opcodes.isEmpty)
            #expect(!opcodes.contains("OpenEphemeral"), "\(sql)")
        }
        #expect(try db.pragmaText("integrity_check") == "ok")
    }

    @Test func aNewStackHasTheComparisons() throws {
        try withMigratedDatabase { db, _ in
            #expect(try db.pragmaInt("user_version") == Int64(Schema.migrations.migrations.last?.version ?? 0))
            try expectConstraintsHold(db)
        }
    }

    /// A version-6 file with rows: the migration changes the two tables' text and nothing else,
    /// and another connection opened before it sees the new constraints.
    @Test func version7RewritesTheConstraintsOfAVersion6File() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path + "/v6.db"
        let db = try Database(path: path, mode: .create)
        defer { db.close() }
        #expect(try db.pragmaText("journal_mode = WAL") == "wal")
        try Migrations(Array(Schema.migrations.migrations.prefix(6))).migrate(db)
        let schemaBefore = try db.fetchAll("SELECT name, sql FROM sqlite_schema ORDER BY name") { [$0.text(0), $0.text(1)] }
        let other = try Database(path: path, mode: .readWrite)
        defer { other.close() }
        #expect(try other.fetchOne("SELECT count(*) FROM changes") { $0.int(0) } == 0)

        try Migrations(Array(Schema.migrations.migrations.prefix(7))).migrate(db)
        #expect(try db.pragmaInt("user_version") == 7)
        let schemaAfter = try db.fetchAll("SELECT name, sql FROM sqlite_schema ORDER BY name") { [$0.text(0), $0.text(1)] }
        #expect(schemaAfter.map { $0[0] } == schemaBefore.map { $0[0] })
        for (before, after) in zip(schemaBefore, schemaAfter) {
            if Self.constrained.contains(before[0]) {
                #expect(after[1] != before[1])
                #expect(after[1].contains(" IN (") == false, "\(after[1])")
            } else {
                #expect(after == before)
            }
        }
        try expectConstraintsHold(other)
    }

    /// A table whose text lacks the old constraint as written (here `records`, rewritten by hand
    /// beforehand) is left as it is; the other is rewritten, and the stack opens.
    @Test func aTableWithoutTheOldTextIsLeftAlone() throws {
        try withMigratedDatabase(through: 6) { db, _ in
            let version = try db.pragmaInt("schema_version")
            try db.executeScript(
                """
                PRAGMA writable_schema = ON;
                UPDATE sqlite_schema SET sql = replace(sql, 'version_op IN (''create'', ''update'', ''restore'')',
                    'version_op IN (''create'',''update'',''restore'')') WHERE name = 'records';
                PRAGMA schema_version = \(version + 1);
                PRAGMA writable_schema = OFF;
                """)
            let records = try db.fetchOne("SELECT sql FROM sqlite_schema WHERE name = 'records'") { $0.text(0) }
            try Migrations(Array(Schema.migrations.migrations.prefix(7))).migrate(db)
            #expect(try db.pragmaInt("user_version") == 7)
            #expect(try db.fetchOne("SELECT sql FROM sqlite_schema WHERE name = 'records'") { $0.text(0) } == records)
            let changes = try db.fetchOne("SELECT sql FROM sqlite_schema WHERE name = 'changes'") { $0.text(0) }
            #expect(changes?.contains("operation = 'erase'") == true)
            #expect(try db.pragmaText("integrity_check") == "ok")
        }
    }
}
