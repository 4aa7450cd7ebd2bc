import Foundation
import StackJSON
import Testing
@testable import StackStore

@Suite struct RecordTests {
    @Test func createThenGetReturnsTheRecord() async throws {
        try await withStack { s in
            try await s.registerType()
            let created = try await s.store.createRecord(NewRecord(type: "note", content: ["title": "Milk"]), as: s.owner)
            #expect(created.version == 1)
            #expect(created.createdBy == s.owner.entityId)
            #expect(created.permissions == [])
            let read = try await s.store.record(created.id, as: s.owner)
            #expect(read == created)
            #expect(read.json["content"]?["title"] == "Milk")
            #expect(read.json["deletedAt"] == .null)
        }
    }

    @Test func serverIdsAreURLSafeAndSortByCreationTime() async throws {
        var previous = ""
        for _ in 0..<1000 {
            let id = RecordID.generate()
            #expect(id > previous)
            #expect(RecordID.isValidClientID(id))
            previous = id
        }
        let early = RecordID.generate(at: Timestamp(milliseconds: 1_000_000))
        let late = RecordID.generate(at: Timestamp(milliseconds: 2_000_000_000_000))
        #expect(early < late)
    }

    @Test func clientIdIsHonouredValidatedAndUnique() async throws {
        try await withStack { s in
            try await s.registerType()
            let r = try await s.store.createRecord(NewRecord(type: "note", content: [:], id: "my-note.1"), as: s.owner)
            #expect(r.id == "my-note.1")
            let taken = await storeError { _ = try await s.store.createRecord(NewRecord(type: "note", content: [:], id: "my-note.1"), as: s.owner) }
            #expect(taken?.isConflict == true)
            for bad in ["query", "-x", "", "a/b", String(repeating: "a", count: 129), "é"] {
                let error = await storeError { _ = try await s.store.createRecord(NewRecord(type: "note", content: [:], id: bad), as: s.owner) }
                #expect(error?.isInvalidRequest == true, "\(bad)")
            }
        }
    }

    @Test func bulkCreateIsAllOrNothing() async throws {
        try await withStack { s in
            try await s.registerType()
            let made = try await s.store.createRecords((0..<300).map { NewRecord(type: "note", content: ["i": .int($0)]) }, as: s.owner)
            #expect(made.count == 300)
            #expect(Set(made.map(\.id)).count == 300)
            #expect(try await s.store.record(made[299].id, as: s.owner).content == ["i": 299])
            let duplicate = await storeError {
                _ = try await s.store.createRecords(
                    [NewRecord(type: "note", content: [:], id: "dup"), NewRecord(type: "note", content: [:], id: "dup")], as: s.owner)
            }
            #expect(duplicate?.isConflict == true)
            #expect(await storeError { _ = try await s.store.record("dup", as: s.owner) }?.isNotFound == true)
            let changes = try await s.store.changes(since: 0, limit: 1000, as: s.owner)
            #expect(changes.results.filter { $0.type == "note" }.count == 300)
        }
    }

    @Test func unknownTypeAndNonObjectContentAreRejected() async throws {
        try await withStack { s in
            let unknown = await storeError { _ = try await s.store.createRecord(NewRecord(type: "nope", content: [:]), as: s.owner) }
            #expect(unknown == .unknownType("nope"))
            try await s.registerType()
            let notObject = await storeError { _ = try await s.store.createRecord(NewRecord(type: "note", content: [1, 2]), as: s.owner) }
            guard case .invalidContent(let errors) = notObject else { Issue.record("expected invalidContent"); return }
            #expect(!errors.isEmpty)
        }
    }

    @Test func contentIsValidatedAgainstTheTypeSchemaWithFormatAssertion() async throws {
        try await withStack { s in
            try await s.registerType(
                "task",
                schema: [
                    "type": "object", "required": ["title"],
                    "properties": ["title": ["type": "string"], "due": ["type": "string", "format": "date"]],
                ])
            let missing = await storeError { _ = try await s.store.createRecord(NewRecord(type: "task", content: ["x": 1]), as: s.owner) }
            guard case .invalidContent(let errors) = missing else { Issue.record("expected invalidContent"); return }
            #expect(errors.contains { $0.message.contains("title") })
            let badDate = await storeError {
                _ = try await s.store.createRecord(NewRecord(type: "task", content: ["title": "t", "due": "tomorrow"]), as: s.owner)
            }
            guard case .invalidContent(let dateErrors) = badDate else { Issue.record("expected invalidContent (format)"); return }
            #expect(dateErrors.first?.instancePath == JSONPointer(tokens: ["due"]))
            let ok = try await s.store.createRecord(NewRecord(type: "task", content: ["title": "t", "due": "2026-11-22"]), as: s.owner)
            // A patch whose result breaks the schema is refused and changes nothing.
            let broken = await storeError { _ = try await s.store.patchRecord(ok.id, patch: ["title": nil], as: s.owner) }
            guard case .invalidContent = broken else { Issue.record("expected invalidContent on patch"); return }
            #expect(try await s.store.record(ok.id, as: s.owner).version == 1)
            // Built-in types validate too: an entity needs a name.
            let entity = await storeError { _ = try await s.store.createRecord(NewRecord(type: "entity", content: [:]), as: s.owner) }
            guard case .invalidContent = entity else { Issue.record("expected invalidContent for entity"); return }
        }
    }

    @Test func anonymousCannotCreate() async throws {
        try await withStack { s in
            try await s.registerType()
            let error = await storeError { _ = try await s.store.createRecord(NewRecord(type: "note", content: [:]), as: nil) }
            #expect(error == .unauthorized)
        }
    }

    @Test func patchMergesBumpsVersionAndNoOpKeepsIt() async throws {
        try await withStack { s in
            try await s.registerType()
            let r = try await s.store.createRecord(NewRecord(type: "note", content: ["a": 1, "b": 2]), as: s.owner)
            let patched = try await s.store.patchRecord(r.id, patch: ["b": nil, "c": ["d": true]], as: s.owner)
            #expect(patched.version == 2)
            #expect(patched.content == ["a": 1, "c": ["d": true]])
            let same = try await s.store.patchRecord(r.id, patch: ["a": 1], as: s.owner)
            #expect(same.version == 2)
            let versions = try await s.store.versions(of: r.id, as: s.owner)
            #expect(versions.results.map(\.version) == [2, 1])
            #expect(versions.results.map(\.operation) == [.update, .create])
        }
    }

    @Test func patchThatMakesContentNotAnObjectIsInvalid() async throws {
        try await withStack { s in
            try await s.registerType()
            let r = try await s.store.createRecord(NewRecord(type: "note", content: ["a": 1]), as: s.owner)
            let error = await storeError { _ = try await s.store.patchRecord(r.id, patch: "text", as: s.owner) }
            guard case .invalidContent = error else { Issue.record("expected invalidContent, got \(String(describing: error))"); return }
            #expect(try await s.store.record(r.id, as: s.owner).version == 1)
        }
    }

    @Test func ifMatchMismatchIsPreconditionFailed() async throws {
        try await withStack { s in
            try await s.registerType()
            let r = try await s.store.createRecord(NewRecord(type: "note", content: [:]), as: s.owner)
            let error = await storeError { _ = try await s.store.patchRecord(r.id, patch: ["x": 1], ifMatch: 3, as: s.owner) }
            #expect(error == .preconditionFailed(currentVersion: 1))
            let ok = try await s.store.patchRecord(r.id, patch: ["x": 1], ifMatch: 1, as: s.owner)
            #expect(ok.version == 2)
            let deleteError = await storeError { try await s.store.deleteRecord(r.id, ifMatch: 1, as: s.owner) }
            #expect(deleteError == .preconditionFailed(currentVersion: 2))
        }
    }

    @Test func softDeleteHidesFromAllButOwnersIncludeDeleted() async throws {
        try await withStack { s in
            try await s.registerType()
            let r = try await s.store.createRecord(NewRecord(type: "note", content: [:], permissions: [.public]), as: s.owner)
            try await s.store.deleteRecord(r.id, as: s.owner)
            #expect(await storeError { _ = try await s.store.record(r.id, as: s.owner) }?.isNotFound == true)
            #expect(await storeError { _ = try await s.store.record(r.id, includeDeleted: true, as: nil) }?.isNotFound == true)
            let seen = try await s.store.record(r.id, includeDeleted: true, as: s.owner)
            #expect(seen.deletedAt != nil)
            #expect(await storeError { _ = try await s.store.patchRecord(r.id, patch: ["a": 1], as: s.owner) }?.isNotFound == true)
        }
    }

    @Test func restoreMakesANewVersionAndUndeletes() async throws {
        try await withStack { s in
            try await s.registerType()
            let r = try await s.store.createRecord(NewRecord(type: "note", content: ["t": "one"]), as: s.owner)
            _ = try await s.store.patchRecord(r.id, patch: ["t": "two"], as: s.owner)
            try await s.store.deleteRecord(r.id, as: s.owner)
            let restored = try await s.store.restoreRecord(r.id, version: 1, as: s.owner)
            #expect(restored.version == 3)
            #expect(restored.content == ["t": "one"])
            #expect(restored.deletedAt == nil)
            let v3 = try await s.store.version(3, of: r.id, as: s.owner)
            #expect(v3.operation == .restore)
            #expect(v3.content == ["t": "one"])
            let missing = await storeError { _ = try await s.store.restoreRecord(r.id, version: 9, as: s.owner) }
            #expect(missing?.isNotFound == true)
        }
    }

    /// An erased record's content is gone from the files, not left in their free space: neither
    /// `stack.db` nor `search.db` (after checkpoints empty the WALs) holds it any more. (The
    /// full-text index's own segments keep the words, without their order, until merges rewrite
    /// them: docs/OPERATIONS.md.)
    @Test func anErasedRecordsContentIsOverwrittenInTheFile() async throws {
        let s = try await TestStack.make()
        try await s.registerType()
        let marker = "erase-me-" + UUID().uuidString
        let r = try await s.store.createRecord(NewRecord(type: "note", content: ["secret": .string(marker)]), as: s.owner)
        _ = try await s.store.patchRecord(r.id, patch: ["other": 1], as: s.owner)  // a version row holds it too
        for i in 0..<20 {  // neighbours on the same pages, which stay in use
            _ = try await s.store.createRecord(NewRecord(type: "note", content: ["n": .int(i)]), as: s.owner)
        }
        _ = try await s.store.queryRecords(RecordQuery(list: RecordListQuery(), text: "erase"), as: s.owner)  // indexed
        await s.store.close()
        let bytes = { (file: String) in try Data(contentsOf: URL(fileURLWithPath: s.directory.path + "/" + file)) }
        #expect(try bytes("stack.db").range(of: Data(marker.utf8)) != nil)
        #expect(try bytes("search.db").range(of: Data(marker.utf8)) != nil)  // the text the index holds
        let store = try await Store.open(at: s.directory.path)
        try await store.hardDeleteRecord(r.id, as: store.ownerPrincipal)
        _ = try await store.queryRecords(RecordQuery(list: RecordListQuery(), text: "erase"), as: store.ownerPrincipal)  // indexed
        await store.close()  // checkpoints into the files and empties the WALs
        #expect(try bytes("stack.db").range(of: Data(marker.utf8)) == nil)
        #expect(try bytes("search.db").range(of: Data(marker.utf8)) == nil)
        s.directory.remove()
    }

    @Test func hardDeleteErasesEverythingAndLogsErase() async throws {
        try await withStack { s in
            try await s.registerType()
            let a = try await s.store.createRecord(NewRecord(type: "note", content: [:]), as: s.owner)
            _ = try await s.store.patchRecord(a.id, patch: ["t": "two"], as: s.owner)  // version 1 kept in `versions`
            let rid = try await s.store.read { db in try db.fetchOne("SELECT rid FROM records WHERE id = ?", [a.id]) { $0.int64(0) } }
            let b = try await s.store.createRecord(NewRecord(type: "note", content: [:]), as: s.owner)
            let e = try await s.entity("E")
            _ = try await s.store.setPermissions([.entity(id: e.entityId, read: true, write: false)], of: a.id, as: s.owner)
            _ = try await s.store.addAssociation(from: a.id, relation: "links", to: b.id, as: s.owner)
            _ = try await s.store.addAssociation(from: b.id, relation: "back", to: a.id, as: s.owner)
            let entityError = await storeError { try await s.store.hardDeleteRecord(a.id, as: e) }
            #expect(entityError?.isForbidden == true)
            try await s.store.hardDeleteRecord(a.id, as: s.owner)
            #expect(await storeError { _ = try await s.store.record(a.id, includeDeleted: true, as: s.owner) }?.isNotFound == true)
            #expect(await storeError { _ = try await s.store.version(1, of: a.id, as: s.owner) }?.isNotFound == true)
            let links = try await s.store.associations(of: b.id, direction: .both, as: s.owner)
            #expect(links.results.isEmpty)
            let counts = try await s.store.read { db in
                [
                    try db.fetchOne("SELECT count(*) FROM versions WHERE rid = ?", [rid]) { $0.int(0) },
                    try db.fetchOne("SELECT count(*) FROM grants") { $0.int(0) },
                    try db.fetchOne("SELECT count(*) FROM associations") { $0.int(0) },
                ]
            }
            #expect(counts == [0, 0, 0])
            let changes = try await s.store.changes(since: 0, limit: 1000, as: s.owner)
            #expect(changes.results.last?.operation == .erase)
            #expect(changes.results.last?.recordId == a.id)
        }
    }

    @Test func aRecordWithManyVersionsReadsItsCurrentState() async throws {
        try await withStack { s in
            try await s.registerType()
            let r = try await s.store.createRecord(NewRecord(type: "note", content: ["n": 0]), as: s.owner)
            for i in 1...200 { _ = try await s.store.patchRecord(r.id, patch: ["n": .int(i)], as: s.owner) }
            let current = try await s.store.record(r.id, as: s.owner)
            #expect(current.version == 201)
            #expect(current.content == ["n": 200])
            let page1 = try await s.store.versions(of: r.id, limit: 150, as: s.owner)
            #expect(page1.results.count == 150)
            let page2 = try await s.store.versions(of: r.id, limit: 150, cursor: page1.nextCursor, as: s.owner)
            #expect(page2.results.count == 51)
            #expect(page2.nextCursor == nil)
            #expect(Set(page1.results.map(\.version) + page2.results.map(\.version)).count == 201)
        }
    }

    @Test func ownerEntityExistsAndCanBePatchedButNotDeleted() async throws {
        try await withStack { s in
            let owner = try await s.store.ownerEntity(as: s.owner)
            #expect(owner.id == s.store.ownerEntityId)
            #expect(owner.type == "entity")
            #expect(owner.content["name"] == "Owner")
            let patched = try await s.store.patchOwnerEntity(["url": "https://example.com"], as: s.owner)
            #expect(patched.version == 2)
            #expect(await storeError { try await s.store.deleteRecord(owner.id, as: s.owner) }?.isForbidden == true)
            #expect(await storeError { try await s.store.hardDeleteRecord(owner.id, as: s.owner) }?.isForbidden == true)
            let e = try await s.entity("E")
            #expect(await storeError { _ = try await s.store.patchOwnerEntity(["name": "x"], as: e) }?.isForbidden == true)
            #expect(await storeError { _ = try await s.store.ownerEntity(as: nil) } == .unauthorized)
        }
    }

    @Test func createRefusesExistingStackAndOpenReopensIt() async throws {
        let stack = try await TestStack.make()
        try await stack.registerType()
        let r = try await stack.store.createRecord(NewRecord(type: "note", content: ["x": 1]), as: stack.owner)
        await stack.store.close()
        let again = await storeError { _ = try await Store.create(at: stack.directory.path) }
        #expect(again?.isConflict == true)
        let reopened = try await Store.open(at: stack.directory.path)
        #expect(await reopened.isDatabaseHealthy())
        #expect(await reopened.isBlobFolderWritable())
        #expect(reopened.ownerEntityId == stack.store.ownerEntityId)
        #expect(try await reopened.record(r.id, as: reopened.ownerPrincipal).content == ["x": 1])
        #expect(try await reopened.type("note").id == "note")
        await reopened.close()
        #expect(await reopened.isDatabaseHealthy() == false)
        stack.directory.remove()
        let missing = await storeError { _ = try await Store.open(at: stack.directory.path) }
        #expect(missing?.isNotFound == true)
    }
}
