import Foundation
import StackJSON
import Testing
@testable import StackStore

/// Runs a `POST /records/query` body and returns the results' `content.name`, in order.
private func names(_ s: TestStack, _ body: String, as principal: Principal? = nil) async throws -> [String] {
    let query = try RecordQuery(body: try JSON(parsing: body))
    let page = try await s.store.queryRecords(query, as: principal ?? s.owner)
    return page.results.map { $0.content["name"]?.stringValue ?? "?" }
}

/// The names matching `where` among the seeded notes, sorted for order-free comparison.
private func matching(_ s: TestStack, _ filter: String, as principal: Principal? = nil) async throws -> [String] {
    try await names(s, #"{"type": "note", "limit": 1000, "where": \#(filter)}"#, as: principal).sorted()
}

/// Seeds notes a…f with varied content.
private func seed(_ s: TestStack) async throws {
    try await s.registerType("note")
    try await s.registerType("task")
    let contents: [String] = [
        #"{"name": "a", "priority": 5, "tags": ["x", "y"], "title": "Hello World", "due": {"date": "2026-01-01"}}"#,
        #"{"name": "b", "priority": "5", "tags": ["y"], "title": "hello there", "done": true}"#,
        #"{"name": "c", "priority": 1.5, "tags": [], "title": "Zebra", "done": false, "due": {"date": "2025-06-30"}}"#,
        #"{"name": "d", "priority": null, "title": "émile", "tags": [5, "5"]}"#,
        #"{"name": "e", "priority": 10, "title": "a\"quote*NEAR(", "meta": {"k": [1, 2]}}"#,
        #"{"name": "f"}"#,
    ]
    for text in contents {
        _ = try await s.store.createRecord(NewRecord(type: "note", content: try JSON(parsing: text)), as: s.owner)
    }
    _ = try await s.store.createRecord(NewRecord(type: "task", content: ["name": "t", "priority": 5]), as: s.owner)
}

private func invalid(_ s: TestStack, _ body: String) async -> String? {
    do {
        _ = try await names(s, body)
        return nil
    } catch let error as StoreError {
        if case .invalidRequest(let message) = error { return message }
        return "unexpected \(error)"
    } catch {
        return "unexpected \(error)"
    }
}

@Suite struct QueryFilterTests {
    @Test func equalityNeverMatchesAcrossJSONTypes() async throws {
        try await withStack { s in
            try await seed(s)
            #expect(try await matching(s, #"{"content.priority": 5}"#) == ["a"])
            #expect(try await matching(s, #"{"content.priority": "5"}"#) == ["b"])
            #expect(try await matching(s, #"{"content.priority": 5.0}"#) == ["a"])
            #expect(try await matching(s, #"{"content.priority": null}"#) == ["d"])
            #expect(try await matching(s, #"{"content.done": true}"#) == ["b"])
            #expect(try await matching(s, #"{"content.done": false}"#) == ["c"])
            #expect(try await matching(s, #"{"content.done": 0}"#) == [])
            #expect(try await matching(s, #"{"content.tags": {"eq": ["y"]}}"#) == ["b"])
            #expect(try await matching(s, #"{"content.meta": {"eq": {"k": [1, 2]}}}"#) == ["e"])
        }
    }

    @Test func comparisonOperatorsStayWithinOneType() async throws {
        try await withStack { s in
            try await seed(s)
            #expect(try await matching(s, #"{"content.priority": {"gt": 1.5}}"#) == ["a", "e"])
            #expect(try await matching(s, #"{"content.priority": {"gte": 1.5}}"#) == ["a", "c", "e"])
            #expect(try await matching(s, #"{"content.priority": {"lt": 5}}"#) == ["c"])
            #expect(try await matching(s, #"{"content.priority": {"lte": 5, "gt": 1.5}}"#) == ["a"])
            // Strings compare by code point: "Z" < "a" < "h" < "é".
            #expect(try await matching(s, #"{"content.title": {"gte": "a"}}"#) == ["b", "d", "e"])
            #expect(try await matching(s, #"{"content.title": {"lt": "a"}}"#) == ["a", "c"])
            #expect(try await matching(s, #"{"content.title": {"gt": "hello there"}}"#) == ["d"])
        }
    }

    @Test func membershipExistenceContainsAndPrefix() async throws {
        try await withStack { s in
            try await seed(s)
            #expect(try await matching(s, #"{"content.priority": {"in": [5, 10, "x"]}}"#) == ["a", "e"])
            #expect(try await matching(s, #"{"content.priority": {"in": []}}"#) == [])
            // ne and nin also match records where the field is missing or of another type.
            #expect(try await matching(s, #"{"content.priority": {"ne": 5}}"#) == ["b", "c", "d", "e", "f"])
            #expect(try await matching(s, #"{"content.priority": {"nin": [5, 10]}}"#) == ["b", "c", "d", "f"])
            #expect(try await matching(s, #"{"content.priority": {"exists": true}}"#) == ["a", "b", "c", "d", "e"])
            #expect(try await matching(s, #"{"content.priority": {"exists": false}}"#) == ["f"])
            #expect(try await matching(s, #"{"content.tags": {"contains": "y"}}"#) == ["a", "b"])
            #expect(try await matching(s, #"{"content.tags": {"contains": 5}}"#) == ["d"])
            #expect(try await matching(s, #"{"content.title": {"contains": "ello"}}"#) == ["a", "b"])
            #expect(try await matching(s, #"{"content.title": {"contains": "ELLO"}}"#) == [])
            #expect(try await matching(s, #"{"content.title": {"prefix": "hello"}}"#) == ["b"])
            #expect(try await matching(s, #"{"content.title": {"prefix": "é"}}"#) == ["d"])
            #expect(try await matching(s, #"{"content.tags": {"prefix": "x"}}"#) == [])
        }
    }

    @Test func nestedPathsAndLogic() async throws {
        try await withStack { s in
            try await seed(s)
            #expect(try await matching(s, #"{"content.due.date": {"lt": "2026-01-01"}}"#) == ["c"])
            #expect(try await matching(s, #"{"content.due.date": {"exists": true}}"#) == ["a", "c"])
            #expect(try await matching(s, #"{"content.meta.k": {"contains": 2}}"#) == ["e"])
            #expect(try await matching(s, #"{"or": [{"content.priority": 5}, {"content.done": true}]}"#) == ["a", "b"])
            #expect(try await matching(s, #"{"and": [{"content.tags": {"contains": "y"}}, {"not": {"content.priority": 5}}]}"#) == ["b"])
            #expect(try await matching(s, #"{"not": {"content.priority": {"exists": true}}}"#) == ["f"])
            #expect(try await matching(s, #"{"content.tags": {"contains": "y"}, "content.done": true}"#) == ["b"])
            #expect(try await matching(s, #"{"or": []}"#) == [])
            #expect(try await matching(s, #"{"and": []}"#).count == 6)
        }
    }

    @Test func builtInFieldsAndTypes() async throws {
        try await withStack { s in
            try await seed(s)
            let all = try await s.store.queryRecords(RecordQuery(types: ["note"], sort: [QuerySortKey(.createdAt)]), as: s.owner)
            let a = all.results[0]
            #expect(try await matching(s, #"{"id": "\#(a.id)"}"#) == ["a"])
            #expect(try await matching(s, #"{"id": {"prefix": "\#(a.id)"}}"#) == ["a"])
            #expect(try await matching(s, #"{"version": 1}"#).count == 6)
            #expect(try await matching(s, #"{"version": "1"}"#) == [])
            #expect(try await matching(s, #"{"createdBy": "\#(s.owner.entityId)"}"#).count == 6)
            #expect(try await matching(s, #"{"createdAt": {"lt": "2000-01-01T00:00:00Z"}}"#) == [])
            #expect(try await matching(s, #"{"createdAt": {"gte": "2000-01-01T00:00:00.000Z"}}"#).count == 6)
            #expect(try await names(s, #"{"type": ["note", "task"], "where": {"content.priority": 5}, "sort": ["content.name"]}"#).sorted() == ["a", "t"])
            #expect(try await names(s, #"{"type": "task"}"#) == ["t"])
            #expect(try await names(s, #"{"type": []}"#) == [])
            #expect(try await names(s, #"{"where": {"type": "task"}}"#) == ["t"])
        }
    }

    @Test func malformedFiltersNameTheOffendingPart() async throws {
        try await withStack { s in
            try await seed(s)
            #expect(await invalid(s, #"{"where": {"and": [{"content.a": 1}, {"content.priority": {"gtt": 1}}]}}"#)?
                .hasPrefix(#"/where/and/1/content.priority: unknown operator "gtt""#) == true)
            #expect(await invalid(s, #"{"where": {"colour": 1}}"#) == #"/where/colour: unknown field "colour""#)
            #expect(await invalid(s, #"{"where": {"content.": 1}}"#)?.hasPrefix("/where/content.") == true)
            #expect(await invalid(s, #"{"where": {"content.a..b": 1}}"#) != nil)
            #expect(await invalid(s, #"{"where": {"content.a\"b": 1}}"#) != nil)
            #expect(await invalid(s, #"{"where": {"and": {"content.a": 1}}}"#)?.hasPrefix("/where/and:") == true)
            #expect(await invalid(s, #"{"where": {"not": [1]}}"#)?.hasPrefix("/where/not:") == true)
            #expect(await invalid(s, #"{"where": [1]}"#)?.hasPrefix("/where:") == true)
            #expect(await invalid(s, #"{"where": {"content.a": {"in": 1}}}"#)?.hasPrefix("/where/content.a/in:") == true)
            #expect(await invalid(s, #"{"where": {"content.a": {"exists": 1}}}"#) != nil)
            #expect(await invalid(s, #"{"where": {"content.a": {"gt": true}}}"#) != nil)
            #expect(await invalid(s, #"{"where": {"content.a": {"prefix": 1}}}"#) != nil)
            #expect(await invalid(s, #"{"where": {"content.a": {}}}"#) != nil)
            #expect(await invalid(s, #"{"where": {"createdAt": {"gt": "yesterday"}}}"#)?.hasPrefix("/where/createdAt/gt:") == true)
            #expect(await invalid(s, #"{"where": {"version": {"contains": "1"}}}"#) != nil)
            #expect(await invalid(s, #"{"sort": [{"field": "colour"}]}"#) == #"/sort/0/field: unknown field "colour""#)
            #expect(await invalid(s, #"{"sort": [{"field": "id", "order": "up"}]}"#) != nil)
            #expect(await invalid(s, #"{"limit": 1001}"#) != nil)
            #expect(await invalid(s, #"{"limit": 0}"#) != nil)
            #expect(await invalid(s, #"{"colour": 1}"#) != nil)
            #expect(await invalid(s, #"{"cursor": "junk"}"#) == "invalid cursor")
            let huge = "[" + (0..<2000).map(String.init).joined(separator: ",") + "]"
            #expect(await invalid(s, #"{"where": {"content.a": {"in": \#(huge)}}}"#)?.hasPrefix("/where: the filter is too large") == true)
            #expect(await invalid(s, #"{"where": {"content.a": {"in": [1, 2]}}}"#) == nil)
        }
    }
}

@Suite struct QueryPagingAndPermissionTests {
    @Test func contentSortPagesNeverRepeatOrSkip() async throws {
        try await withStack { s in
            try await s.registerType("note")
            // Mixed types and duplicates on purpose: 60 records over 7 priority values + missing.
            let values: [JSON] = [1, 2, "2", "b", .null, true, 2.5]
            var expected: [String] = []
            for i in 0..<60 {
                var content: JSON = ["name": .string("n\(i)")]
                if i % 8 != 7 { content["priority"] = values[i % 8 % values.count] }
                _ = try await s.store.createRecord(NewRecord(type: "note", content: content), as: s.owner)
                expected.append("n\(i)")
            }
            for order in ["asc", "desc"] {
                var seen: [String] = []
                var cursor: String?
                var pages = 0
                repeat {
                    var body = #"{"type": "note", "sort": [{"field": "content.priority", "order": "\#(order)"}], "limit": 7"#
                    if let cursor { body += #", "cursor": "\#(cursor)""# }
                    let query = try RecordQuery(body: try JSON(parsing: body + "}"))
                    let page = try await s.store.queryRecords(query, as: s.owner)
                    seen += page.results.map { $0.content["name"]!.stringValue! }
                    cursor = page.nextCursor
                    pages += 1
                } while cursor != nil && pages < 100
                #expect(seen.count == 60)
                #expect(Set(seen) == Set(expected))
                // Types never interleave: missing, null, booleans, numbers, strings (ascending).
                let ranks = seen.map { name -> Int in
                    let i = Int(name.dropFirst())!
                    if i % 8 == 7 { return 0 }
                    switch values[i % 8 % values.count] {
                    case .null: return 1
                    case .bool: return 2
                    case .number: return 3
                    default: return 4
                    }
                }
                #expect(ranks == (order == "asc" ? ranks.sorted() : ranks.sorted(by: >)))
            }
            // A cursor made for one sort is refused by another.
            let first = try await s.store.queryRecords(
                RecordQuery(types: ["note"], sort: [QuerySortKey(.content(["priority"]))], limit: 5), as: s.owner)
            let other = RecordQuery(sort: [QuerySortKey(.createdAt)], limit: 5, cursor: first.nextCursor)
            #expect(await storeError { _ = try await s.store.queryRecords(other, as: s.owner) }?.isInvalidRequest == true)
        }
    }

    @Test func builtInSortsPageLikeOnePage() async throws {
        try await withStack { s in
            try await seed(s)
            for sort in [#"["createdAt"]"#, #"["-createdAt"]"#, #"["type", "-createdAt"]"#, #"["-version", "id"]"#, #"["-updatedAt"]"#] {
                let whole = try await names(s, #"{"sort": \#(sort), "limit": 1000}"#)
                var paged: [String] = []
                var cursor: String?
                repeat {
                    let query = RecordQuery(sort: try RecordQuery.parseSort(try JSON(parsing: sort), at: .root), limit: 3, cursor: cursor)
                    let page = try await s.store.queryRecords(query, as: s.owner)
                    paged += page.results.map { $0.content["name"]?.stringValue ?? "?" }
                    cursor = page.nextCursor
                } while cursor != nil && paged.count < 100
                #expect(paged == whole, "sort \(sort)")
                #expect(whole.count == 8)
            }
        }
    }

    @Test func queriesOnlySeeReadableRecords() async throws {
        try await withStack { s in
            try await s.registerType("note")
            let e = try await s.entity("E", create: ["note"])
            _ = try await s.store.createRecord(NewRecord(type: "note", content: ["name": "private", "k": 1]), as: s.owner)
            _ = try await s.store.createRecord(NewRecord(type: "note", content: ["name": "public", "k": 1], permissions: [.public]), as: s.owner)
            _ = try await s.store.createRecord(
                NewRecord(type: "note", content: ["name": "shared", "k": 1], permissions: [.entity(id: e.entityId, read: true, write: false)]),
                as: s.owner)
            _ = try await s.store.createRecord(NewRecord(type: "note", content: ["name": "mine", "k": 1]), as: e)
            let deleted = try await s.store.createRecord(NewRecord(type: "note", content: ["name": "gone", "k": 1]), as: e)
            try await s.store.deleteRecord(deleted.id, as: e)
            let body = #"{"where": {"content.k": 1}, "limit": 1000}"#
            #expect(try await names(s, body, as: e).sorted() == ["mine", "public", "shared"])
            let anonymous = try await s.store.queryRecords(RecordQuery(body: try JSON(parsing: body)), as: nil)
            #expect(anonymous.results.map { $0.content["name"] } == ["public"])
            #expect(try await names(s, body).sorted() == ["mine", "private", "public", "shared"])
            #expect(try await names(s, #"{"where": {"content.k": 1}, "includeDeleted": true}"#).count == 5)
            #expect(try await names(s, #"{"where": {"content.k": 1}, "includeDeleted": true}"#, as: e).count == 3)
            // Full-text search is permission-filtered too.
            #expect(try await names(s, #"{"q": "private"}"#, as: e) == [])
            #expect(try await names(s, #"{"q": "shared"}"#, as: e) == ["shared"])
        }
    }

    @Test func listParametersBecomeAQuery() async throws {
        try await withStack { s in
            try await seed(s)
            let query = try RecordQuery(
                list: RecordListQuery(type: "note", sort: .createdAt), text: "hello", contentEquals: [("priority", 5)])
            let page = try await s.store.queryRecords(query, as: s.owner)
            #expect(page.results.map { $0.content["name"] } == ["a"])
            let nested = try RecordQuery(list: RecordListQuery(), contentEquals: [("due.date", "2025-06-30")])
            #expect(try await s.store.queryRecords(nested, as: s.owner).results.map { $0.content["name"] } == ["c"])
            #expect(throws: StoreError.self) { try RecordQuery(list: RecordListQuery(), contentEquals: [("a..b", 1)]) }
        }
    }
}

@Suite struct FullTextSearchTests {
    @Test func searchesContentStringValuesAndStaysCurrent() async throws {
        try await withStack { s in
            try await seed(s)
            #expect(try await names(s, #"{"q": "hello"}"#).sorted() == ["a", "b"])
            #expect(try await names(s, #"{"q": "HELLO world"}"#) == ["a"])
            #expect(try await names(s, #"{"q": "emile"}"#) == ["d"])  // diacritics folded
            #expect(try await names(s, #"{"q": "2026"}"#) == ["a"])  // nested string values
            #expect(try await names(s, #"{"q": "title"}"#) == [])  // keys are not indexed
            #expect(try await names(s, #"{"q": "   ", "type": "note"}"#).count == 6)  // blank q is ignored
            // Patch, restore and hard delete keep the index current.
            let zebra = try await s.store.queryRecords(try RecordQuery(body: try JSON(parsing: #"{"q": "zebra"}"#)), as: s.owner).results[0]
            _ = try await s.store.patchRecord(zebra.id, patch: ["title": "Giraffe"], as: s.owner)
            #expect(try await names(s, #"{"q": "zebra"}"#) == [])
            #expect(try await names(s, #"{"q": "giraffe"}"#) == ["c"])
            _ = try await s.store.restoreRecord(zebra.id, version: 1, as: s.owner)
            #expect(try await names(s, #"{"q": "zebra"}"#) == ["c"])
            #expect(try await names(s, #"{"q": "giraffe"}"#) == [])
            try await s.store.deleteRecord(zebra.id, as: s.owner)
            #expect(try await names(s, #"{"q": "zebra"}"#) == [])
            try await s.store.hardDeleteRecord(zebra.id, as: s.owner)
            try await s.store.bringFullTextIndexUpToDate()  // the indexer does it within ~50 ms anyway
            let leftover = try await s.store.read { db in
                try db.fetchOne("SELECT count(*) FROM search.records_fts WHERE records_fts MATCH 'zebra'") { $0.int(0) }
            }
            #expect(leftover == 0)
        }
    }

    @Test func bulkAndConcurrentWritesAreSearchableOnceCommitted() async throws {
        try await withStack { s in
            try await s.registerType("note")
            let bulk = try await s.store.createRecords(
                (0..<50).map { NewRecord(type: "note", content: ["name": .string("bulk\($0)"), "title": "Pangolin"]) }, as: s.owner)
            #expect(try await names(s, #"{"q": "pangolin", "limit": 100}"#).count == 50)
            // Concurrent writes share group-committed batches; one of them is refused (its client id
            // is taken): the others are indexed, and nothing stays pending after the commits.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<20 {
                    group.addTask {
                        let id = i == 7 ? bulk[0].id : nil
                        _ = try? await s.store.createRecord(
                            NewRecord(type: "note", content: ["name": .string("c\(i)"), "title": "Narwhal"], id: id), as: s.owner)
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await names(s, #"{"q": "narwhal", "limit": 100}"#).count == 19)
        }
    }

    @Test func theIndexerIndexesWritesSoonAfterwardsWithoutASearch() async throws {
        try await withStack { s in
            try await s.registerType("note")
            _ = try await s.store.createRecord(NewRecord(type: "note", content: ["title": "Axolotl"]), as: s.owner)
            let indexed = {
                try await s.store.read { db in
                    try db.fetchOne("SELECT count(*) FROM search.records_fts WHERE records_fts MATCH 'axolotl'") { $0.int(0) }
                }
            }
            var waited = 0
            while try await indexed() == 0 && waited < 100 {
                try await Task.sleep(for: .milliseconds(20))
                waited += 1
            }
            #expect(try await indexed() == 1)
        }
    }

    /// The migrations of the releases that kept the full-text index in `stack.db`.
    private let upToVersion3 = Migrations([
        .init(version: 1, sql: Schema.version1), .init(version: 2, sql: Schema.version2), .init(version: 3, sql: Schema.version3),
    ])

    /// Schema version 4 drops the index versions 2 and 3 kept in `stack.db`.
    @Test func version4DropsTheIndexKeptInTheStackDatabase() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let db = try Database(path: dir.path + "/v3.db", mode: .create)
        try upToVersion3.migrate(db)
        let objects = { try db.fetchAll("SELECT name FROM sqlite_schema WHERE name LIKE '%fts%' ORDER BY name") { $0.text(0) } }
        #expect(try objects().contains("fts_pending"))
        try Schema.migrations.migrate(db)
        #expect(try objects() == [])
    }

    /// A database migrated by the development build whose version 4 differed loses its leftovers.
    @Test func version5RemovesTheLeftoversOfADevelopmentBuild() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let db = try Database(path: dir.path + "/dev4.db", mode: .create)
        try upToVersion3.migrate(db)
        try db.executeScript(
            """
            CREATE TABLE fts_state (id INTEGER PRIMARY KEY, indexed_through INTEGER NOT NULL);
            DROP TRIGGER records_fts_insert;
            PRAGMA user_version = 4;
            """)
        try Schema.migrations.migrate(db)
        let objects = try db.fetchAll("SELECT name FROM sqlite_schema WHERE name LIKE '%fts%' ORDER BY name") { $0.text(0) }
        #expect(objects == [])
        #expect(try db.pragmaInt("user_version") == Int64(Schema.migrations.latestVersion))
    }

    /// A connection to the stack's `search.db` with its `stack.db` attached, as the indexer has.
    private func indexerConnection(_ s: TestStack) throws -> Database {
        let db = try FullTextIndexer.openDatabase(path: s.directory.path + "/search.db", busyTimeoutMilliseconds: 1000)
        try db.execute("ATTACH DATABASE ? AS store", [s.directory.path + "/stack.db"])
        return db
    }

    /// A pass says more is waiting only when it took as many changes as it may: a pass that took
    /// fewer leaves what came meanwhile to the next (timed) pass.
    @Test func aPassSaysMoreOnlyWhenItTookItsLimit() async throws {
        let s = try await TestStack.make()
        try await s.registerType("note")
        for i in 0..<5 {
            _ = try await s.store.createRecord(NewRecord(type: "note", content: ["title": .string("word\(i)")]), as: s.owner)
        }
        // Caught up before closing: a search waits for the index.
        _ = try await s.store.queryRecords(RecordQuery(list: RecordListQuery(), text: "word0"), as: s.owner)
        await s.store.close()
        defer { s.directory.remove() }
        let db = try indexerConnection(s)
        defer { db.close() }
        let latest = try #require(try db.fetchOne("SELECT max(seq) FROM store.changes") { $0.int64(0) })
        try db.execute("UPDATE state SET seq = ?", [latest - 5])
        #expect(try FullTextIndex.indexNext(db, limit: 3) == FullTextIndex.Progress(indexedThrough: latest - 2, more: true))
        #expect(try FullTextIndex.indexNext(db, limit: 3) == FullTextIndex.Progress(indexedThrough: latest, more: false))
        #expect(try FullTextIndex.indexNext(db, limit: 3) == FullTextIndex.Progress(indexedThrough: latest, more: false))
        #expect(try db.fetchOne("SELECT count(*) FROM records_fts WHERE records_fts MATCH 'word4'") { $0.int(0) } == 1)
    }

    /// A rebuild goes through the records in chunks, then follows the changes made meanwhile.
    @Test func aRebuildInChunksEndsEqualToAFreshIndex() async throws {
        let s = try await TestStack.make()
        try await s.registerType("note")
        var ids: [String] = []
        for i in 0..<7 {
            ids.append(try await s.store.createRecord(NewRecord(type: "note", content: ["title": .string("word\(i)")]), as: s.owner).id)
        }
        await s.store.close()
        defer { s.directory.remove() }
        let db = try indexerConnection(s)
        try db.inTransaction { db in try FullTextIndex.startRebuild(db) }
        var steps = 0
        var progress = FullTextIndex.Progress(indexedThrough: nil, more: true)
        while progress.indexedThrough == nil {
            progress = try FullTextIndex.indexNext(db, limit: 3)
            steps += 1
        }
        #expect(steps == 4)  // 8 records (the owner too), 3 at a time, then the changes: none since
        #expect(try db.fetchOne("SELECT count(*) FROM docs") { $0.int(0) } == 8)
        // A change after the rebuild began.
        try db.execute("DETACH DATABASE store")
        let store = try await Store.open(at: s.directory.path)
        _ = try await store.patchRecord(ids[0], patch: ["title": "patched"], as: store.ownerPrincipal)
        let hits = try await store.queryRecords(RecordQuery(list: RecordListQuery(), text: "patched"), as: store.ownerPrincipal).results
        #expect(hits.map(\.id) == [ids[0]])
        #expect(try await store.queryRecords(RecordQuery(list: RecordListQuery(), text: "word0"), as: store.ownerPrincipal).results.isEmpty)
        await store.close()
        db.close()
    }

    /// Another process's indexer (a command run beside the server opens the store too) that moves
    /// the index between a pass's read and its write makes that pass apply nothing: its batch
    /// was read for a state that is gone.
    @Test func aPassWhoseStateMovedMeanwhileAppliesNothing() async throws {
        let s = try await TestStack.make()
        try await s.registerType("note")
        var ids: [String] = []
        for i in 0..<5 {
            ids.append(try await s.store.createRecord(NewRecord(type: "note", content: ["title": .string("word\(i)")]), as: s.owner).id)
        }
        _ = try await s.store.patchRecord(ids[0], patch: ["title": "renamed"], as: s.owner)
        await s.store.close()
        defer { s.directory.remove() }
        let (a, b) = (try indexerConnection(s), try indexerConnection(s))
        try b.execute("UPDATE state SET seq = seq - 1")  // the patch's change is not indexed yet
        // A reads the patch's change; B starts a rebuild before A writes.
        let progress = try FullTextIndex.indexNext(a, limit: 100) {
            try b.inTransaction { db in try FullTextIndex.startRebuild(db) }
        }
        #expect(progress == FullTextIndex.Progress(indexedThrough: nil, more: true))
        #expect(try a.fetchOne("SELECT count(*) FROM docs") { $0.int(0) } == 0)  // B's rebuild emptied it; A added nothing
        var passes = 0
        var next = FullTextIndex.Progress(indexedThrough: nil, more: true)
        while next.indexedThrough == nil && passes < 10 {
            next = try FullTextIndex.indexNext(a, limit: 100)
            passes += 1
        }
        #expect(next.indexedThrough != nil)
        let words = try a.fetchAll("SELECT rowid FROM records_fts WHERE records_fts MATCH 'renamed OR word0'") { $0.int64(0) }
        #expect(words.count == 1)
        a.close()
        b.close()
    }

    /// The index is contentless: it forgets a record's words only when told the exact text it
    /// indexed. After every kind of write, in and out of step with the upkeep, it must answer
    /// like an index built afresh from the records' current content.
    @Test func indexAnswersLikeAFreshIndexAfterEveryKindOfWrite() async throws {
        try await withStack { s in
            try await s.registerType("note")
            let words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf"]
            var ids: [String] = []
            for i in 0..<12 {
                let content: JSON = ["title": .string(words[i % 7]), "tags": [.string(words[(i + 2) % 7]), 5], "n": .int(i)]
                ids.append(try await s.store.createRecord(NewRecord(type: "note", content: content), as: s.owner).id)
            }
            try await s.store.bringFullTextIndexUpToDate()
            // Patched twice between two upkeeps, patched once, restored, soft- and hard-deleted.
            _ = try await s.store.patchRecord(ids[0], patch: ["title": "hotel"], as: s.owner)
            _ = try await s.store.patchRecord(ids[0], patch: ["title": "india", "tags": ["juliet"]], as: s.owner)
            _ = try await s.store.patchRecord(ids[1], patch: ["tags": nil], as: s.owner)
            _ = try await s.store.patchRecord(ids[2], patch: ["title": "kilo"], as: s.owner)
            try await s.store.bringFullTextIndexUpToDate()
            _ = try await s.store.restoreRecord(ids[2], version: 1, as: s.owner)
            _ = try await s.store.patchRecord(ids[3], patch: ["n": 99], as: s.owner)  // no string changed
            try await s.store.deleteRecord(ids[4], as: s.owner)
            try await s.store.hardDeleteRecord(ids[5], as: s.owner)
            let created = try await s.store.createRecord(NewRecord(type: "note", content: ["title": "lima"]), as: s.owner)
            _ = try await s.store.patchRecord(created.id, patch: ["title": "mike"], as: s.owner)  // before any upkeep saw it
            try await s.store.hardDeleteRecord(ids[6], as: s.owner)
            try await s.store.bringFullTextIndexUpToDate()
            let (indexed, fresh) = try await s.store.read { db -> ([String: [Int64]], [String: [Int64]]) in
                try db.execute("CREATE VIRTUAL TABLE temp.fresh USING fts5(body, tokenize = 'unicode61 remove_diacritics 2')")
                // SQLite's own JSON walk as the oracle of the indexed text (ContentText).
                try db.execute(
                    """
                    INSERT INTO temp.fresh (rowid, body) SELECT r.rid,
                        (SELECT group_concat(t.value, ' ') FROM json_tree(r.content) t WHERE t.type = 'text') FROM main.records r
                    """)
                var indexed: [String: [Int64]] = [:]
                var fresh: [String: [Int64]] = [:]
                for word in words + ["hotel", "india", "juliet", "kilo", "lima", "mike"] {
                    indexed[word] = try db.fetchAll("SELECT rowid FROM search.records_fts WHERE records_fts MATCH ? ORDER BY rowid", [word]) { $0.int64(0) }
                    fresh[word] = try db.fetchAll("SELECT rowid FROM temp.fresh WHERE fresh MATCH ? ORDER BY rowid", [word]) { $0.int64(0) }
                }
                try db.execute("DROP TABLE temp.fresh")
                return (indexed, fresh)
            }
            #expect(indexed == fresh)
            #expect(indexed["mike"]?.count == 1 && indexed["lima"] == [] && indexed["hotel"] == [])
            // FTS5's own check of the index against the text `docs` holds.
            let search = try Database(path: s.directory.path + "/search.db", mode: .readWrite)
            try search.execute("INSERT INTO records_fts (records_fts) VALUES ('integrity-check')")
            search.close()
        }
    }

    /// An idle stack costs the indexer no transaction every 50 ms: it looks at the change log
    /// only when this store committed something (or every few seconds).
    @Test func anIdleIndexerMakesNoPasses() async throws {
        try await withStack { s in
            try await s.registerType("note")
            // Let the passes of the opening finish: the count stays put for 100 ms.
            var before = s.store.indexer.passCount
            for _ in 0..<20 {
                try await Task.sleep(for: .milliseconds(100))
                let now = s.store.indexer.passCount
                if now == before { break }
                before = now
            }
            try await Task.sleep(for: .milliseconds(300))
            // Six passes if it passed every 50 ms; at most the one every 5 s for other programs'
            // changes (`idlePassInterval`), which a slow run (ThreadSanitizer) may reach here.
            let idle = s.store.indexer.passCount - before
            #expect(idle <= 1)
            before += idle
            _ = try await s.store.createRecord(NewRecord(type: "note", content: ["title": "Quetzal"]), as: s.owner)
            var waited = 0
            while s.store.indexer.passCount == before && waited < 100 {
                try await Task.sleep(for: .milliseconds(20))
                waited += 1
            }
            #expect(s.store.indexer.passCount > before)
        }
    }

    /// A clean close leaves no WAL behind, of `stack.db` nor of `search.db` (the readers attach
    /// `search.db` read-only, so the indexer's connection must be the last to close it).
    @Test func aCleanCloseLeavesNoWriteAheadLogs() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try await Store.create(at: directory.path)
        _ = try await store.registerType(NewType(id: "note", schema: ["type": "object"]), as: store.ownerPrincipal)
        _ = try await store.createRecord(NewRecord(type: "note", content: ["title": "Tapir"]), as: store.ownerPrincipal)
        #expect(try await store.queryRecords(RecordQuery(list: RecordListQuery(), text: "tapir"), as: store.ownerPrincipal).results.count == 1)
        await store.close()
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(files.filter { $0.hasSuffix("-wal") || $0.hasSuffix("-shm") } == [])
    }

    /// `search.db` holds only derived data: missing, damaged, or another stack's, it is built
    /// afresh at open (which is also how writes made to `stack.db` by another program get indexed).
    @Test func aMissingDamagedOrForeignSearchDatabaseIsRebuiltAtOpen() async throws {
        let directory = TemporaryDirectory()
        let other = TemporaryDirectory()
        defer {
            directory.remove()
            other.remove()
        }
        var store = try await Store.create(at: directory.path)
        _ = try await store.registerType(NewType(id: "note", schema: ["type": "object"]), as: store.ownerPrincipal)
        let record = try await store.createRecord(NewRecord(type: "note", content: ["title": "Okapi"]), as: store.ownerPrincipal)
        await store.close()
        let otherStore = try await Store.create(at: other.path)
        _ = try await otherStore.registerType(NewType(id: "note", schema: ["type": "object"]), as: otherStore.ownerPrincipal)
        _ = try await otherStore.createRecord(NewRecord(type: "note", content: ["title": "Quokka"]), as: otherStore.ownerPrincipal)
        await otherStore.close()
        let fm = FileManager.default
        let searchPath = directory.path + "/search.db"
        func search(_ text: String) async throws -> [String] {
            try await store.queryRecords(RecordQuery(list: RecordListQuery(), text: text), as: store.ownerPrincipal).results.map(\.id)
        }
        // Another program rewrites the content, and the index is deleted.
        let db = try Database(path: directory.path + "/stack.db", mode: .readWrite)
        try db.execute("UPDATE records SET content = '{\"title\":\"Quokka\"}' WHERE id = ?", [record.id])
        db.close()
        try fm.removeItem(atPath: searchPath)
        store = try await Store.open(at: directory.path)
        #expect(try await search("quokka") == [record.id])
        #expect(try await search("okapi") == [])
        await store.close()
        // Another stack's index (its owner differs) is not taken for this one's.
        try fm.removeItem(atPath: searchPath)
        try fm.copyItem(atPath: other.path + "/search.db", toPath: searchPath)
        store = try await Store.open(at: directory.path)
        #expect(try await search("quokka") == [record.id])
        await store.close()
        // Not a database at all.
        try Data("not a database, just bytes".utf8).write(to: URL(fileURLWithPath: searchPath))
        store = try await Store.open(at: directory.path)
        #expect(try await search("quokka") == [record.id])
        await store.close()
    }

    /// A failing indexer fails the searches waiting for it with a storage error, never a hang;
    /// once its passes succeed again, searches do too.
    @Test(.timeLimit(.minutes(1))) func aFailingIndexerFailsSearchesUntilItRecovers() async throws {
        try await withStack { s in
            try await s.registerType("note")
            let search = { (text: String) in
                try await s.store.queryRecords(RecordQuery(list: RecordListQuery(), text: text), as: s.owner).results.count
            }
            _ = try await s.store.createRecord(NewRecord(type: "note", content: ["title": "Pelican"]), as: s.owner)
            #expect(try await search("pelican") == 1)
            let other = try Database(path: s.directory.path + "/search.db", mode: .readWrite)
            defer { other.close() }
            try other.execute("ALTER TABLE docs RENAME TO docs_away")
            _ = try await s.store.createRecord(NewRecord(type: "note", content: ["title": "Puffin"]), as: s.owner)
            await #expect(throws: StoreError.self) { _ = try await search("puffin") }
            try other.execute("ALTER TABLE docs_away RENAME TO docs")
            #expect(try await search("puffin") == 1)
        }
    }

    /// A search reads few matches through the index and sorts them, and walks the sort order for
    /// many (``FullTextQuery/fewMatchesLimit``); both page the same way, newest first.
    @Test func searchesForRareAndCommonWordsPageAlike() async throws {
        try await withStack { s in
            try await s.registerType("note")
            let count = FullTextQuery.fewMatchesLimit + 50
            let created = try await s.store.createRecords(
                (0..<count).map { NewRecord(type: "note", content: ["title": .string("common w\($0 % 10)")]) }, as: s.owner)
            func all(_ word: String) async throws -> [String] {
                var ids: [String] = []
                var cursor: String?
                repeat {
                    let page = try await s.store.queryRecords(
                        RecordQuery(list: RecordListQuery(type: "note", limit: 1000, cursor: cursor), text: word), as: s.owner)
                    ids += page.results.map(\.id)
                    cursor = page.nextCursor
                } while cursor != nil
                return ids
            }
            let newestFirst = created.reversed().map(\.id)  // one batch: same createdAt, rid decides
            #expect(try await all("common") == newestFirst)  // many matches: the sort order is walked
            #expect(try await all("w3") == newestFirst.enumerated().filter { (count - 1 - $0.offset) % 10 == 3 }.map(\.element))
        }
    }

    @Test func hostileSearchTextIsPlainWords() async throws {
        try await withStack { s in
            try await seed(s)
            for text in [#"\""#, "*", "NEAR(", #"quote*NEAR("#, #"a"quote"#, "title:hello", "hello OR zebra", "^hello", "-hello", "(", "\"\"\"\"", "AND"] {
                let body: JSON = ["q": .string(text)]
                // Never an error, never FTS syntax.
                _ = try await s.store.queryRecords(try RecordQuery(body: body), as: s.owner)
            }
            #expect(try await names(s, #"{"q": "NEAR("}"#) == ["e"])
            #expect(try await names(s, #"{"q": "quote*NEAR("}"#) == ["e"])
            #expect(try await names(s, #"{"q": "*"}"#) == [])
            #expect(try await names(s, #"{"q": "hello OR zebra"}"#) == [])  // all three words needed
            #expect(try await names(s, #"{"q": "title:hello"}"#) == [])  // no column filter
            #expect(try await names(s, #"{"q": "-zebra"}"#) == ["c"])  // no negation
            #expect(FullTextQuery.matchExpression(#"a"b NEAR( *"#) == #""a""b" "NEAR(""#)
        }
    }
}

@Suite struct TypeIndexTests {
    @Test func indexedPathsGetAnExpressionIndexThatQueriesUse() async throws {
        try await withStack { s in
            _ = try await s.store.registerType(NewType(id: "task", schema: ["type": "object"], indexes: ["status", "due.date"]), as: s.owner)
            for i in 0..<20 {
                let content: JSON = ["status": .string(i % 2 == 0 ? "open" : "done"), "due": ["date": .string("2026-01-\(10 + i)")]]
                _ = try await s.store.createRecord(NewRecord(type: "task", content: content), as: s.owner)
            }
            let indexes = try await s.store.read { db in
                try db.fetchAll("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name LIKE 'records_content_%'") {
                    (name: $0.text(0), sql: $0.text(1))
                }
            }
            #expect(indexes.count == 4)  // status, due.date, and the built-in entity's and group's name
            #expect(indexes.filter { $0.sql.hasSuffix("WHERE type = 'task'") }.count == 2, "\(indexes)")
            // The plans of the statements `queryRecords` runs for the owner, by the indexes they use.
            func plan(_ body: String) async throws -> [String] {
                let compiled = try s.store.compile(try RecordQuery(body: try JSON(parsing: body)), as: s.owner)
                return try await s.store.read { db in
                    // A real read first: a reader learns of the new index when its transaction starts
                    // (EXPLAIN alone does not start one, so it could plan with the older schema).
                    _ = try db.fetchOne("SELECT count(*) FROM records") { $0.int(0) }
                    let condition = try compiled.condition(db)
                    return try db.fetchAll(
                        "EXPLAIN QUERY PLAN \(compiled.select.sql) records r WHERE \(condition.sql) \(compiled.tail)",
                        compiled.select.arguments + condition.arguments + [DatabaseValue.integer(5)]) { $0.text(3) }
                }
            }
            let filter = try await plan(#"{"type": "task", "where": {"content.status": "open"}}"#)
            #expect(filter.contains { $0.hasPrefix("SEARCH r USING INDEX records_content_") }, "\(filter)")
            let range = try await plan(#"{"type": "task", "where": {"content.due.date": {"gte": "2026-01-20"}}}"#)
            #expect(range.contains { $0.hasPrefix("SEARCH r USING INDEX records_content_") }, "\(range)")
            // A sort walks the index in order: no sorting step.
            let sort = try await plan(#"{"type": "task", "sort": ["-content.due.date"]}"#)
            #expect(sort.contains { $0.contains("USING INDEX records_content_") }, "\(sort)")
            #expect(!sort.contains { $0.contains("TEMP B-TREE") }, "\(sort)")
            // Not restricted to one type, the partial indexes cannot serve.
            let anyType = try await plan(#"{"where": {"content.status": "open"}}"#)
            #expect(!anyType.contains { $0.contains("records_content_") }, "\(anyType)")

            let query = RecordQuery(types: ["task"], filter: try FilterParser.parse(try JSON(parsing: #"{"content.status": "open"}"#)), limit: 1000)
            #expect(try await s.store.queryRecords(query, as: s.owner).results.count == 10)
            // The next page of a sort seeks in the index rather than walking it from its start.
            let first = try await s.store.queryRecords(try RecordQuery(body: try JSON(parsing: #"{"type": "task", "sort": ["-content.due.date"], "limit": 5}"#)), as: s.owner)
            #expect(first.results.map { $0.content["due"]?["date"]?.stringValue } == (25...29).reversed().map { "2026-01-\($0)" })
            let cursor = try #require(first.nextCursor)
            let next = try await plan(#"{"type": "task", "sort": ["-content.due.date"], "limit": 5, "cursor": "\#(cursor)"}"#)
            #expect(next.contains { $0.hasPrefix("SEARCH r USING INDEX records_content_") }, "\(next)")
            #expect(!next.contains { $0.contains("TEMP B-TREE") }, "\(next)")
        }
    }

    @Test func pathsWithQuotesAndSpacesAreLiteralMemberNames() async throws {
        try await withStack { s in
            try await s.registerType("note")
            _ = try await s.store.createRecord(NewRecord(type: "note", content: ["it's a key": 1, "x": ["y z": "w"]]), as: s.owner)
            let hit = try RecordQuery(body: try JSON(parsing: #"{"where": {"content.it's a key": 1, "content.x.y z": "w"}}"#))
            #expect(try await s.store.queryRecords(hit, as: s.owner).results.count == 1)
            let sorted = try RecordQuery(body: try JSON(parsing: #"{"type": "note", "sort": ["-content.it's a key"]}"#))
            #expect(try await s.store.queryRecords(sorted, as: s.owner).results.count == 1)
        }
    }
}

