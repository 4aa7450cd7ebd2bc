import Foundation
import StackJSON
import Testing
@testable import StackStore

/// `changes.seq` without AUTOINCREMENT (schema version 9): still only growing, never given twice.
@Suite struct ChangeSequenceTests {
    static func tableText(_ db: Database) throws -> String? {
        try db.fetchOne("SELECT sql FROM sqlite_schema WHERE name = 'changes'") { $0.text(0) }
    }

    static func sequenceRow(_ db: Database) throws -> Bool {
        try db.exists("SELECT 1 FROM sqlite_sequence WHERE name = 'changes'")
    }

    static func seqs(_ store: Store) async throws -> [Int64] {
        try await store.read { db in try db.fetchAll("SELECT seq FROM changes ORDER BY rowid") { $0.int64(0) } }
    }

    @Test func aNewStackNumbersEventsOneAfterAnotherAcrossErasesAndReopens() async throws {
        let s = try await TestStack.make()
        defer { s.directory.remove() }
        try await s.registerType("note")
        let text = try await s.store.read { db in try Self.tableText(db) }
        #expect(text?.contains("seq INTEGER PRIMARY KEY,") == true && text?.contains("AUTOINCREMENT") == false)
        #expect(try await s.store.read { db in try Self.sequenceRow(db) } == false)
        var last: Record?
        for i in 0..<3 { last = try await s.store.createRecord(NewRecord(type: "note", content: ["i": .int(i)]), as: s.owner) }
        // Erasing the newest record appends an event; none is removed.
        try await s.store.hardDeleteRecord(try #require(last).id, as: s.owner)
        let before = try await Self.seqs(s.store)
        #expect(before == Array(1...Int64(before.count)))
        await s.store.close()

        let store = try await Store.open(at: s.directory.path)
        _ = try await store.createRecord(NewRecord(type: "note", content: [:]), as: store.ownerPrincipal)
        #expect(try await Self.seqs(store) == before + [before.last! + 1])
        await store.close()
    }

    /// A version-8 file: the migration removes the keyword and the `sqlite_sequence` row, keeps
    /// every event, and the next event follows the last.
    @Test func version9KeepsTheEventsOfAVersion8File() throws {
        try withMigratedDatabase(through: 8) { db, _ in
            #expect(try Self.tableText(db)?.contains("seq INTEGER PRIMARY KEY AUTOINCREMENT") == true)
            for seq in 1...5 {
                try db.execute(
                    "INSERT INTO changes (rid, record_id, type, version, operation, at) VALUES (?, 'r', 'note', 1, 'create', 0)", [seq])
            }
            #expect(try Self.sequenceRow(db))
            let before = try db.fetchAll("SELECT * FROM changes ORDER BY seq") { row in (0..<7).map { row.isNull(Int32($0)) ? "-" : row.text(Int32($0)) } }

            try Schema.migrations.migrate(db)
            #expect(try Self.tableText(db)?.contains("AUTOINCREMENT") == false)
            #expect(try Self.sequenceRow(db) == false)
            let after = try db.fetchAll("SELECT * FROM changes ORDER BY seq") { row in (0..<7).map { row.isNull(Int32($0)) ? "-" : row.text(Int32($0)) } }
            #expect(after == before)
            try db.execute("INSERT INTO changes (rid, record_id, type, version, operation, at) VALUES (6, 'r', 'note', 1, 'create', 0)")
            #expect(db.lastInsertRowID == 6)
            // The other constraints of the table still hold.
            #expect(throws: DatabaseError.self) {
                try db.execute("INSERT INTO changes (rid, record_id, type, version, operation, at) VALUES (7, 'r', 'note', 1, 'nope', 0)")
            }
            #expect(try db.pragmaText("integrity_check") == "ok")
        }
    }
}
