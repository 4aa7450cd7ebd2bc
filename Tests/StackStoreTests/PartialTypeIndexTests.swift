import Foundation
import StackJSON
import Testing
@testable import StackStore

/// The types' content indexes are partial (one per type and path, over that type's records only)
/// and are brought to that definition at every open and by `import`.
@Suite struct PartialTypeIndexTests {
    /// `records_content_…` indexes by name, with their `CREATE INDEX` text.
    static func typeIndexes(_ store: Store) async throws -> [String: String] {
        let rows = try await store.read { db in
            try db.fetchAll("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name LIKE 'records_content_%'") {
                (name: $0.text(0), sql: $0.text(1))
            }
        }
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.name, $0.sql) })
    }

    /// How many entries the index of `type`'s `path` holds, from SQLite's page statistics.
    static func entries(_ store: Store, type: String, path: String) async throws -> Int {
        let definition = try await store.type(type)
        let name = try #require(TypeIndexes.indexes(for: definition).first { $0.sql.contains("'$.\"\(path)\"'") }?.name)
        return try await store.read { db in
            try db.fetchOne("SELECT coalesce(sum(ncell), -1) FROM dbstat WHERE name = ?", [name]) { $0.int(0) } ?? -1
        }
    }

    @Test func writesAddEntriesOnlyToTheirOwnTypesIndexes() async throws {
        try await withStack { s in
            for id in ["task", "note"] {
                _ = try await s.store.registerType(NewType(id: id, schema: ["type": "object"], indexes: ["status"]), as: s.owner)
            }
            for i in 0..<30 {
                _ = try await s.store.createRecord(NewRecord(type: "note", content: ["status": .string("s\(i)"), "name": "n"]), as: s.owner)
            }
            _ = try await s.entity("ann")
            #expect(try await Self.entries(s.store, type: "note", path: "status") == 30)
            #expect(try await Self.entries(s.store, type: "task", path: "status") == 0)
            #expect(try await Self.entries(s.store, type: "entity", path: "name") == 2)  // the owner and ann
            #expect(try await Self.entries(s.store, type: "group", path: "name") == 0)
            let sql = try await Self.typeIndexes(s.store)
            #expect(sql.count == 4)
            #expect(sql.values.allSatisfy { $0.contains(" WHERE type = '") }, "\(sql)")
        }
    }

    /// A stack with a type `task` indexing `status`, and five tasks: two `open`, three `done`.
    static func stackWithTasks() async throws -> TestStack {
        let s = try await TestStack.make()
        _ = try await s.store.registerType(NewType(id: "task", schema: ["type": "object"], indexes: ["status"]), as: s.owner)
        for i in 0..<5 {
            _ = try await s.store.createRecord(NewRecord(type: "task", content: ["status": .string(i < 2 ? "open" : "done")]), as: s.owner)
        }
        return s
    }

    @Test func openRebuildsTypeIndexesOfEarlierVersions() async throws {
        let s = try await Self.stackWithTasks()
        defer { s.directory.remove() }
        _ = try await s.store.createRecord(NewRecord(type: "entity", content: ["name": "bob"]), as: s.owner)
        let wanted = try await Self.typeIndexes(s.store)
        // What earlier versions made: every type's index over all records, led by the type.
        try await s.store.write { db in
            for (name, _) in wanted {
                try db.executeScript("DROP INDEX \(name)")
                try db.executeScript("CREATE INDEX \(name) ON records(type, json_extract(content, '$.\"name\"'), rid)")
            }
            try db.executeScript("CREATE INDEX records_content_00000000000000000000 ON records(id)")
        }
        #expect(try await Self.typeIndexes(s.store).values.allSatisfy { !$0.contains("WHERE") })
        await s.store.close()

        let store = try await Store.open(at: s.directory.path)
        #expect(try await Self.typeIndexes(store) == wanted)
        #expect(try await Self.entries(store, type: "task", path: "status") == 5)
        #expect(try await Self.entries(store, type: "entity", path: "name") == 2)
        let open = try RecordQuery(body: try JSON(parsing: #"{"type": "task", "where": {"content.status": "open"}}"#))
        #expect(try await store.queryRecords(open, as: store.ownerPrincipal).results.count == 2)
        // Up to date, the check at open changes nothing: the stored text is the text it compares.
        let definitions = try await store.listTypes()
        #expect(try await store.write { db in try TypeIndexes.reconcile(definitions, db: db) } == 0)
        await store.close()
    }

    @Test func importCreatesTheSamePartialIndexes() async throws {
        try await withStack { s in
            _ = try await s.store.registerType(NewType(id: "task", schema: ["type": "object"], indexes: ["status", "due.date"]), as: s.owner)
            _ = try await s.store.createRecord(NewRecord(type: "task", content: ["status": "open"]), as: s.owner)
            let scratch = TemporaryDirectory()
            defer { scratch.remove() }
            let file = scratch.path + "/stack.jsonl"
            _ = try await Maintenance.export(dataDirectory: s.directory.path, to: file)
            let target = scratch.path + "/restored"
            _ = try await Maintenance.importStack(from: file, into: target)
            let restored = try await Store.open(at: target)
            #expect(try await Self.typeIndexes(restored) == Self.typeIndexes(s.store))
            #expect(try await Self.entries(restored, type: "task", path: "status") == 1)
            // The imported rows carry `records.indexed`, which one-type queries read.
            let open = try RecordQuery(body: try JSON(parsing: #"{"type": "task", "where": {"content.status": "open"}}"#))
            #expect(try await restored.queryRecords(open, as: restored.ownerPrincipal).results.count == 1)
            await restored.close()
        }
    }

    @Test func oneRegisteredTypeIsALiteralAnyOtherIsBound() async throws {
        try await withStack { s in
            try await s.registerType("task")
            #expect(QueryCompiler.textLiteral("it's") == "'it''s'")
            let (one, definition) = s.store.typeCondition(["task", "task"])
            #expect(one.sql == "r.type = 'task'" && one.arguments.isEmpty && definition?.id == "task")
            let (unknown, none) = s.store.typeCondition(["it's"])
            #expect(unknown.sql == "r.type IN (?)" && unknown.arguments == [.text("it's")] && none == nil)
            #expect(s.store.typeCondition(["task", "entity"]).0.arguments.count == 2)
            #expect(s.store.typeCondition([]).0.sql == "0")
            _ = try await s.store.createRecord(NewRecord(type: "task", content: ["name": "t"]), as: s.owner)
            for (type, count) in [("task", 1), ("it's", 0), ("entity", 1)] {
                let query = RecordQuery(types: [type])
                #expect(try await s.store.queryRecords(query, as: s.owner).results.count == count)
            }
        }
    }

    @Test func aFilterMatchingManyRecordsWalksTheSortIndexInstead() async throws {
        try await withStack { s in
            _ = try await s.store.registerType(NewType(id: "task", schema: ["type": "object"], indexes: ["status"]), as: s.owner)
            let many = TypeIndexPlan.probeLimit
            _ = try await s.store.createRecords((0..<many).map { _ in NewRecord(type: "task", content: ["status": "open"]) }, as: s.owner)
            _ = try await s.store.createRecords((0..<3).map { _ in NewRecord(type: "task", content: ["status": "done"]) }, as: s.owner)
            func plan(_ status: String) async throws -> [String] {
                let query = try RecordQuery(body: try JSON(parsing: #"{"type": "task", "where": {"content.status": "\#(status)"}}"#))
                let compiled = try s.store.compile(query, as: s.owner)
                #expect(compiled.plan == .probe(.and([.condition(.content(["status"]), .eq, .string(status))])))
                return try await s.store.read { db in
                    let condition = try compiled.condition(db)
                    return try db.fetchAll(
                        "EXPLAIN QUERY PLAN \(compiled.select.sql) records r WHERE \(condition.sql) \(compiled.tail)",
                        compiled.select.arguments + condition.arguments + [DatabaseValue.integer(51)]) { $0.text(3) }
                }
            }
            // Few matches: seek them in the type's index, then sort them.
            #expect(try await plan("done").contains { $0.hasPrefix("SEARCH r USING INDEX records_content_") })
            // As many as the probe limit: the newest records are found walking the createdAt index.
            #expect(try await plan("open").contains { $0.hasPrefix("SEARCH r USING INDEX records_by_type_created") })
            for (status, count) in [("done", 3), ("open", 50)] {
                let query = try RecordQuery(body: try JSON(parsing: #"{"type": "task", "where": {"content.status": "\#(status)"}}"#))
                #expect(try await s.store.queryRecords(query, as: s.owner).results.count == count)
            }
        }
    }
}
