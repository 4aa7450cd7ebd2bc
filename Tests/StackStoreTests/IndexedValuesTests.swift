import Foundation
import StackJSON
import StackTesting
import Testing
@testable import StackStore

/// `records.indexed`: the content cut down to the type's index paths, over which the types'
/// indexes and one-type queries on those paths read values (``IndexedValues``).
@Suite struct IndexedValuesTests {
    static func text(_ content: String, _ paths: [String]) throws -> String? {
        IndexedValues(paths).text(of: try JSON(parsing: content))
    }

    @Test func keepsTheValuesAtThePathsOnly() throws {
        let content = #"{"status":"open","n":3,"due":{"date":"2026-01-01","note":"x"},"tags":["a"],"gone":null}"#
        #expect(try Self.text(content, ["status"]) == #"{"status":"open"}"#)
        #expect(try Self.text(content, ["due.date", "n"]) == #"{"n":3,"due":{"date":"2026-01-01"}}"#)
        // A path and its prefix: the prefix's value whole.
        #expect(try Self.text(content, ["due.date", "due"]) == #"{"due":{"date":"2026-01-01","note":"x"}}"#)
        #expect(try Self.text(content, ["tags", "gone"]) == #"{"tags":["a"],"gone":null}"#)
        // Missing, or under something that is not an object: left out.
        #expect(try Self.text(content, ["missing", "status.x", "tags.0"]) == "{}")
        // A type that indexes nothing (or nothing a filter could name) stores NULL.
        #expect(try Self.text(content, []) == nil)
        #expect(try Self.text(content, ["a..b", "x\"y"]) == nil)
    }

    /// A label with a `\` is matched differently by SQLite before and after 3.45 (escapes as
    /// written, or decoded), so such paths are not indexed: they are read from `content`.
    @Test func pathsWithABackslashAreNotIndexed() throws {
        let content: JSON = ["a\\b": 1, "c\nd": 2, "plain": 3, "q'é": 4]
        let labels = [#"a\\b"#, #"a\b"#, #"c\nd"#, "plain", "q'é"]
        let values = IndexedValues(labels)
        #expect(values.paths == [["plain"], ["q'é"]])
        let projection = try #require(values.text(of: content))
        #expect(projection == #"{"plain":3,"q'é":4}"#)
        try Self.expectSameAnswers(content: content.serializedString(), indexed: projection, labels: values.paths)
        let definition = TypeDefinition(
            id: "t", name: nil, description: nil, schema: ["type": "object"], indexes: labels, builtIn: false, createdAt: .now())
        #expect(TypeIndexes.indexes(for: definition).count == 2)
        #expect(TypeIndexes.pathLiterals(of: definition) == [#"'$."plain"'"#, #"'$."q''é"'"#])
    }

    /// For random contents and paths, SQLite's `json_type` and `json_extract` give the same over
    /// the cut-down text as over the content: what the types' indexes and queries rely on.
    @Test func sqliteReadsTheSameValuesAsFromTheContent() throws {
        var random = SplitMix64(seed: 7)
        let keys = ["a", "b", "c", "x y", "é", "q'", #"s\t"#]
        func value(_ depth: Int) -> JSON {
            switch random.next() % (depth > 2 ? 5 : 7) {
            case 0: return .null
            case 1: return .bool(random.next() % 2 == 0)
            case 2: return .int(Int64(random.next() % 100) - 50)
            case 3: return .double(Double(random.next() % 1000) / 8)
            case 4: return .string(["", "open", "done", "a\"b", "ü"][Int(random.next() % 5)])
            case 5: return .array((0..<Int(random.next() % 3)).map { _ in value(depth + 1) })
            default:
                var object = JSONObject()
                for _ in 0..<Int(random.next() % 4) { object[keys[Int(random.next() % UInt64(keys.count))]] = value(depth + 1) }
                return .object(object)
            }
        }
        let labels = ["a", "b", "c", "x y", "é", "q'", #"s\\t"#, #"s\t"#]
        for _ in 0..<300 {
            var object = JSONObject()
            for _ in 0..<Int(random.next() % 5) { object[keys[Int(random.next() % UInt64(keys.count))]] = value(0) }
            let content = JSON.object(object)
            let paths = (0..<Int(1 + random.next() % 3)).map { _ in
                (0..<Int(1 + random.next() % 3)).map { _ in labels[Int(random.next() % UInt64(labels.count))] }
            }
            let values = IndexedValues(paths.map { $0.joined(separator: ".") })
            guard let indexed = values.text(of: content) else { continue }  // every path had a `\`
            try Self.expectSameAnswers(content: content.serializedString(), indexed: indexed, labels: values.paths)
        }
    }

    static func expectSameAnswers(content: String, indexed: String, labels: [[String]]) throws {
        let db = try Database(path: ":memory:", mode: .create)
        defer { db.close() }
        for path in labels {
            guard let p = QueryCompiler.pathLiteral(.content(path)) else { continue }
            let sql = "SELECT json_type(?1, \(p)), json_extract(?1, \(p))"
            let read = { (text: String) in
                try db.fetchOne(sql, [text]) { row in [row.isNull(0) ? "-" : row.text(0), row.isNull(1) ? "-" : row.text(1)] }
            }
            #expect(try read(content) == read(indexed), "\(path) in \(content) and \(indexed)")
        }
    }

    // MARK: in the store

    static func indexedColumn(_ store: Store, _ id: String) async throws -> String? {
        try await store.read { db in
            try db.fetchOne("SELECT indexed FROM records WHERE id = ?", [id]) { $0.isNull(0) ? nil : $0.text(0) } ?? nil
        }
    }

    static func count(_ store: Store, _ filter: String) async throws -> Int {
        let query = try RecordQuery(body: try JSON(parsing: #"{"type": "task", "where": \#(filter), "limit": 100}"#))
        return try await store.queryRecords(query, as: store.ownerPrincipal).results.count
    }

    @Test func everyWriteKeepsTheColumnAndQueriesFindTheCurrentValues() async throws {
        try await withStack { s in
            _ = try await s.store.registerType(NewType(id: "task", schema: ["type": "object"], indexes: ["status", "due.day"]), as: s.owner)
            try await s.registerType("note")
            let note = try await s.store.createRecord(NewRecord(type: "note", content: ["status": "open"]), as: s.owner)
            #expect(try await Self.indexedColumn(s.store, note.id) == nil)
            let task = try await s.store.createRecord(NewRecord(type: "task", content: ["status": "open", "n": 1]), as: s.owner)
            #expect(try await Self.indexedColumn(s.store, task.id) == #"{"status":"open"}"#)

            // A patch of another field: the column stays, the query still finds the record.
            _ = try await s.store.patchRecord(task.id, patch: ["n": 2], as: s.owner)
            #expect(try await Self.indexedColumn(s.store, task.id) == #"{"status":"open"}"#)
            #expect(try await Self.count(s.store, #"{"content.status": "open"}"#) == 1)

            // A patch of an indexed field: found under the new value only, in filters and sorts.
            _ = try await s.store.patchRecord(task.id, patch: ["status": "done", "due": ["day": 3]], as: s.owner)
            #expect(try await Self.indexedColumn(s.store, task.id) == #"{"status":"done","due":{"day":3}}"#)
            #expect(try await Self.count(s.store, #"{"content.status": "open"}"#) == 0)
            #expect(try await Self.count(s.store, #"{"content.status": "done", "content.due.day": {"gte": 3}}"#) == 1)
            let other = try await s.store.createRecord(NewRecord(type: "task", content: ["due": ["day": 1]]), as: s.owner)
            let sorted = try RecordQuery(body: try JSON(parsing: #"{"type": "task", "sort": ["content.due.day"]}"#))
            #expect(try await s.store.queryRecords(sorted, as: s.owner).results.map(\.id) == [other.id, task.id])

            // Removing it; then restoring version 1 brings the first value back.
            _ = try await s.store.patchRecord(task.id, patch: ["status": nil], as: s.owner)
            #expect(try await Self.indexedColumn(s.store, task.id) == #"{"due":{"day":3}}"#)
            #expect(try await Self.count(s.store, #"{"content.status": {"exists": false}}"#) == 2)
            _ = try await s.store.restoreRecord(task.id, version: 1, as: s.owner)
            #expect(try await Self.indexedColumn(s.store, task.id) == #"{"status":"open"}"#)
            #expect(try await Self.count(s.store, #"{"content.status": "open"}"#) == 1)
            #expect(try await Self.count(s.store, #"{"content.due.day": 3}"#) == 0)
        }
    }

    /// The stored text follows the content's text, not just its value: `[1]` and `[1.0]` are
    /// equal JSON but SQLite compares arrays by their text.
    @Test func aPatchToAnEqualValueWrittenDifferentlyUpdatesTheColumn() async throws {
        try await withStack { s in
            _ = try await s.store.registerType(NewType(id: "task", schema: ["type": "object"], indexes: ["tags"]), as: s.owner)
            let task = try await s.store.createRecord(NewRecord(type: "task", content: ["tags": [1], "n": 1]), as: s.owner)
            _ = try await s.store.patchRecord(task.id, patch: ["tags": [.double(1.0)], "n": 2], as: s.owner)
            let content = try await s.store.read { db in
                try db.fetchOne("SELECT json_extract(content, '$.tags'), json_extract(indexed, '$.tags') FROM records WHERE id = ?", [task.id]) {
                    [$0.text(0), $0.text(1)]
                }
            }
            #expect(content?[0] == content?[1])
            let typed = try RecordQuery(body: try JSON(parsing: #"{"type": "task", "where": {"content.tags": [1.0]}}"#))
            let untyped = try RecordQuery(body: try JSON(parsing: #"{"where": {"content.tags": [1.0]}}"#))
            #expect(try await s.store.queryRecords(typed, as: s.owner).results.count
                == s.store.queryRecords(untyped, as: s.owner).results.count)
        }
    }

    /// A stack written before schema version 8 (no `indexed` column; the types' indexes over
    /// `content`) opens with the column filled and the indexes built over it.
    @Test func openingAnEarlierStackFillsTheColumn() async throws {
        let s = try await PartialTypeIndexTests.stackWithTasks()
        defer { s.directory.remove() }
        let wanted = try await PartialTypeIndexTests.typeIndexes(s.store)
        try await s.store.write { db in
            for (name, sql) in wanted {
                try db.executeScript("DROP INDEX \(name)")
                try db.executeScript(sql.replacingOccurrences(of: "(indexed,", with: "(content,"))
            }
            try db.executeScript("ALTER TABLE records DROP COLUMN indexed; PRAGMA user_version = 7")
        }
        await s.store.close()

        let store = try await Store.open(at: s.directory.path)
        #expect(try await PartialTypeIndexTests.typeIndexes(store) == wanted)
        let owner = try await Self.indexedColumn(store, store.ownerPrincipal.entityId)
        #expect(owner == #"{"name":"Owner"}"#)
        #expect(try await Self.count(store, #"{"content.status": "open"}"#) == 2)
        #expect(try await Self.count(store, #"{"content.status": "done"}"#) == 3)
        #expect(try await store.read { db in try db.pragmaText("integrity_check") } == "ok")
        await store.close()
    }
}
