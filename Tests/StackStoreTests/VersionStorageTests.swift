import Foundation
import StackJSON
import Testing

@testable import StackStore

/// Where versions live (schema version 6): the current one is the `records` row, the earlier
/// ones are rows of `versions`; the API sees every version the same way.
@Suite struct VersionStorageTests {
    private func versionRows(_ s: TestStack, _ id: String) async throws -> [Int] {
        try await s.store.read { db in
            try db.fetchAll(
                "SELECT v.version FROM versions v JOIN records r ON r.rid = v.rid WHERE r.id = ? ORDER BY v.version", [id]
            ) { $0.int(0) }
        }
    }

    @Test func theCurrentVersionIsStoredOnceAndEarlierOnesAreKept() async throws {
        try await withStack { s in
            try await s.registerType()
            let e = try await s.entity("E")
            let r = try await s.store.createRecord(NewRecord(type: "note", content: ["t": "one"], permissions: [.entity(id: e.entityId, read: true, write: true)]), as: s.owner)
            #expect(try await versionRows(s, r.id) == [])
            let patched = try await s.store.patchRecord(r.id, patch: ["t": "two"], as: e)
            #expect(try await versionRows(s, r.id) == [1])
            // A change of permissions and a soft delete make no version, and leave the current
            // version's time and author alone.
            try await Task.sleep(for: .milliseconds(5))
            _ = try await s.store.setPermissions([.entity(id: e.entityId, read: true, write: false)], of: r.id, as: s.owner)
            try await s.store.deleteRecord(r.id, as: s.owner)
            let deleted = try await s.store.record(r.id, includeDeleted: true, as: s.owner)
            #expect(deleted.updatedAt > patched.updatedAt)
            let second = try await s.store.version(2, of: r.id, includeDeleted: true, as: s.owner)
            #expect(second.createdAt == patched.updatedAt)
            #expect(second.createdBy == e.entityId)
            #expect(second.operation == .update)
            let restored = try await s.store.restoreRecord(r.id, version: 1, as: s.owner)
            #expect(try await versionRows(s, r.id) == [1, 2])

            let list = try await s.store.versions(of: r.id, as: s.owner).results
            #expect(list.map(\.version) == [3, 2, 1])
            #expect(list.map(\.operation) == [.restore, .update, .create])
            #expect(list.map(\.createdBy) == [s.owner.entityId, e.entityId, s.owner.entityId])
            #expect(list.map(\.createdAt) == [restored.updatedAt, patched.updatedAt, r.createdAt])
            let current = try await s.store.version(3, of: r.id, as: s.owner)
            #expect(current.content == ["t": "one"])
            #expect(current.operation == .restore)
            #expect(try await s.store.version(2, of: r.id, as: s.owner).content == ["t": "two"])
            // Restoring the current version reads it from `records`.
            let again = try await s.store.restoreRecord(r.id, version: 3, as: s.owner)
            #expect(again.version == 4)
            #expect(try await versionRows(s, r.id) == [1, 2, 3])
        }
    }

    @Test func aSoftDeleteKeepsTheCurrentVersionsTime() async throws {
        try await withStack { s in
            try await s.registerType()
            let r = try await s.store.createRecord(NewRecord(type: "note", content: ["t": "one"]), as: s.owner)
            try await Task.sleep(for: .milliseconds(5))
            try await s.store.deleteRecord(r.id, as: s.owner)
            let version = try await s.store.version(1, of: r.id, includeDeleted: true, as: s.owner)
            #expect(version.createdAt == r.createdAt)
            let deleted = try await s.store.record(r.id, includeDeleted: true, as: s.owner)
            #expect(deleted.updatedAt > r.createdAt)
        }
    }

    /// Version 6 moves each record's current version out of `versions` into its `records` row.
    @Test func version6MovesTheCurrentVersionIntoRecords() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let db = try Database(path: dir.path + "/v5.db", mode: .create)
        try Migrations(Array(Schema.migrations.migrations.prefix(5))).migrate(db)
        try db.executeScript(
            """
            INSERT INTO types (id, schema, created_at) VALUES ('note', '{}', 0);
            INSERT INTO records (rid, id, type, content, version, created_at, updated_at, created_by, deleted_at)
            VALUES (1, 'a', 'note', '{"t":3}', 3, 100, 900, 'owner', 900),
                   (2, 'b', 'note', '{}', 1, 200, 200, 'owner', NULL);
            INSERT INTO versions (rid, version, content, created_at, created_by, operation)
            VALUES (1, 1, '{"t":1}', 100, 'owner', 'create'),
                   (1, 2, '{"t":2}', 300, 'E', 'update'),
                   (1, 3, '{"t":3}', 500, 'E', 'restore');
            """)
        try Migrations(Array(Schema.migrations.migrations.prefix(6))).migrate(db)
        #expect(try db.pragmaInt("user_version") == 6)
        #expect(try db.fetchAll("SELECT rid, version FROM versions ORDER BY rid, version") { "\($0.int(0)).\($0.int(1))" } == ["1.1", "1.2"])
        let current = try db.fetchAll("SELECT version_at, version_by, version_op FROM records ORDER BY rid") {
            "\($0.int64(0)) \($0.text(1)) \($0.text(2))"
        }
        // Record b had no row for its current version: its updated_at and creator stand in.
        #expect(current == ["500 E restore", "200 owner create"])
        let all = try db.fetchAll("SELECT rid, version, content FROM record_versions ORDER BY rid, version") {
            "\($0.int(0)).\($0.int(1)) \($0.text(2))"
        }
        #expect(all == ["1.1 {\"t\":1}", "1.2 {\"t\":2}", "1.3 {\"t\":3}", "2.1 {}"])
        db.close()
    }

    /// An export lists every version, the current one included; the import puts that one into
    /// `records` and refuses an export without it.
    @Test func importNeedsTheCurrentVersion() async throws {
        let source = try await TestStack.make()
        try await source.registerType()
        let e = try await source.entity("E")
        let r = try await source.store.createRecord(
            NewRecord(type: "note", content: ["t": "one"], permissions: [.entity(id: e.entityId, read: true, write: true)]), as: source.owner)
        let patched = try await source.store.patchRecord(r.id, patch: ["t": "two"], as: e)
        try await Task.sleep(for: .milliseconds(5))
        try await source.store.deleteRecord(r.id, as: source.owner)  // moves updatedAt, not the version's time
        let scratch = TemporaryDirectory()
        defer { scratch.remove() }
        let export = scratch.path + "/export.jsonl"
        _ = try await Maintenance.export(dataDirectory: source.directory.path, to: export)
        await source.close()

        let text = try String(contentsOfFile: export, encoding: .utf8)
        let imported = try await importedStack(text)
        let versions = try await imported.store.versions(of: r.id, includeDeleted: true, as: imported.owner).results
        #expect(versions.map(\.version) == [2, 1])
        #expect(try await versionRows(imported, r.id) == [1])
        let current = try await imported.store.version(2, of: r.id, includeDeleted: true, as: imported.owner)
        #expect(current.content == ["t": "two"])
        #expect(current.createdAt == patched.updatedAt)
        #expect(current.createdBy == e.entityId)
        #expect(current.operation == .update)
        await imported.close()

        // The same export with the record's version list changed: refused.
        let lines = text.split(separator: "\n").map(String.init)
        let index = try #require(lines.firstIndex { $0.contains("\"kind\":\"record\"") && $0.contains(r.id) })
        let line = try JSON(parsing: lines[index])
        let listed = line["versions"]!.arrayValue!
        var otherContent = listed[1]
        otherContent["content"] = ["t": "other"]
        let cases: [([JSON], String)] = [
            ([listed[0]], "must include the current version 2"),
            ([listed[0], listed[1], listed[1]], "version 2 is listed twice"),
            ([listed[0], otherContent], "its content differs"),
        ]
        for (changed, reason) in cases {
            var edited = line
            edited["versions"] = .array(changed)
            var copy = lines
            copy[index] = edited.serializedString()
            do {
                let stack = try await importedStack(copy.joined(separator: "\n") + "\n")
                await stack.close()
                Issue.record("imported an export whose versions \(reason)")
            } catch let error as MaintenanceError {
                guard case .invalidExport(let at, let message) = error else { throw error }
                #expect(at == index + 1)
                #expect(message.contains(reason), "\(message)")
            }
        }
    }

    private func importedStack(_ export: String) async throws -> TestStack {
        let directory = TemporaryDirectory()
        let file = directory.path + "/in.jsonl"
        try export.write(toFile: file, atomically: true, encoding: .utf8)
        do {
            _ = try await Maintenance.importStack(from: file, into: directory.path + "/stack")
        } catch {
            directory.remove()
            throw error
        }
        let store = try await Store.open(at: directory.path + "/stack")
        return TestStack(directory: directory, store: store)
    }
}
