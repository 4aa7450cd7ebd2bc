import Foundation
import StackJSON
import Testing
@testable import StackStore

@Suite struct ListTests {
    @Test func filtersSortsAndPagesWithoutRepeatsOrSkips() async throws {
        try await withStack { s in
            try await s.registerType("note")
            try await s.registerType("task")
            let e = try await s.entity("E", create: ["note"])
            var notes: [String] = []
            for i in 0..<25 {
                notes.append(try await s.store.createRecord(NewRecord(type: "note", content: ["i": .int(i)]), as: s.owner).id)
            }
            _ = try await s.store.createRecord(NewRecord(type: "task", content: [:]), as: s.owner)
            let mine = try await s.store.createRecord(NewRecord(type: "note", content: [:]), as: e)
            // Pages of 7, newest first, cover every note exactly once.
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await s.store.listRecords(RecordListQuery(type: "note", limit: 7, cursor: cursor), as: s.owner)
                seen += page.results.map(\.id)
                cursor = page.nextCursor
            } while cursor != nil
            #expect(seen == ([mine.id] + notes.reversed()))
            let ascending = try await s.store.listRecords(RecordListQuery(type: "note", sort: .createdAt, limit: 1000), as: s.owner)
            #expect(ascending.results.map(\.id) == notes + [mine.id])
            let byCreator = try await s.store.listRecords(RecordListQuery(createdBy: e.entityId), as: s.owner)
            #expect(byCreator.results.map(\.id) == [mine.id])
            // Entities see only what they may read.
            #expect(try await s.store.listRecords(RecordListQuery(), as: e).results.map(\.id) == [mine.id])
            #expect(await storeError { _ = try await s.store.listRecords(RecordListQuery(limit: 1001), as: s.owner) }?.isInvalidRequest == true)
            #expect(await storeError { _ = try await s.store.listRecords(RecordListQuery(cursor: "junk"), as: s.owner) }?.isInvalidRequest == true)
        }
    }

    /// Both plans of the permission filter (small readable set drives; large set is tested per row)
    /// give the same pages.
    @Test func entitiesWithManyReadableRecordsPageCorrectly() async throws {
        try await withStack { s in
            try await s.registerType()
            let e = try await s.entity("E")
            let store = s.store
            let owner = s.owner
            let count = Store.smallReadableSetLimit + 100
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<16 {
                    group.addTask {
                        for i in stride(from: worker, to: count, by: 16) {
                            let grants: [Grant] = i % 2 == 0 ? [.public] : []
                            _ = try await store.createRecord(NewRecord(type: "note", content: ["i": .int(i)], permissions: grants), as: owner)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let mine = try await s.store.createRecord(
                NewRecord(type: "note", content: [:], permissions: [.entity(id: e.entityId, read: true, write: false)]), as: s.owner)
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await s.store.listRecords(RecordListQuery(type: "note", limit: 1000, cursor: cursor), as: e)
                seen += page.results.map(\.id)
                cursor = page.nextCursor
            } while cursor != nil
            #expect(seen.count == count / 2 + 1)
            #expect(Set(seen).count == seen.count)
            #expect(seen.first == mine.id)
        }
    }

    @Test func updatedAfterAndUpdatedSortAndIncludeDeleted() async throws {
        try await withStack { s in
            try await s.registerType()
            let a = try await s.store.createRecord(NewRecord(type: "note", content: [:]), as: s.owner)
            let b = try await s.store.createRecord(NewRecord(type: "note", content: [:]), as: s.owner)
            try await Task.sleep(for: .milliseconds(5))
            let mark = Timestamp.now()
            try await Task.sleep(for: .milliseconds(5))
            _ = try await s.store.patchRecord(a.id, patch: ["x": 1], as: s.owner)
            let updated = try await s.store.listRecords(RecordListQuery(type: "note", updatedAfter: mark), as: s.owner)
            #expect(updated.results.map(\.id) == [a.id])
            let byUpdate = try await s.store.listRecords(RecordListQuery(type: "note", sort: .updatedAtDescending), as: s.owner)
            #expect(byUpdate.results.map(\.id) == [a.id, b.id])
            try await s.store.deleteRecord(b.id, as: s.owner)
            #expect(try await s.store.listRecords(RecordListQuery(type: "note"), as: s.owner).results.map(\.id) == [a.id])
            let withDeleted = try await s.store.listRecords(RecordListQuery(type: "note", includeDeleted: true), as: s.owner)
            #expect(Set(withDeleted.results.map(\.id)) == [a.id, b.id])
        }
    }
}

@Suite struct ChangeTests {
    @Test func everyMutationAppendsAnEvent() async throws {
        try await withStack { s in
            try await s.registerType()
            let start = s.store.latestChangeSeq
            let r = try await s.store.createRecord(NewRecord(type: "note", content: [:]), as: s.owner)
            _ = try await s.store.patchRecord(r.id, patch: ["a": 1], as: s.owner)
            _ = try await s.store.setPermissions([.public], of: r.id, as: s.owner)
            try await s.store.deleteRecord(r.id, as: s.owner)
            _ = try await s.store.restoreRecord(r.id, version: 1, as: s.owner)
            try await s.store.hardDeleteRecord(r.id, as: s.owner)
            let page = try await s.store.changes(since: start, as: s.owner)
            #expect(page.results.map(\.operation) == [.create, .update, .permissions, .delete, .restore, .erase])
            #expect(page.results.map(\.version) == [1, 2, 2, 2, 3, 3])
            #expect(page.nextSince == page.results.last?.seq)
            #expect(s.store.latestChangeSeq == page.nextSince)
        }
    }

    @Test func eventsAreFilteredByWhatTheCallerMayRead() async throws {
        try await withStack { s in
            try await s.registerType()
            let e = try await s.entity("E")
            let start = s.store.latestChangeSeq
            let hidden = try await s.store.createRecord(NewRecord(type: "note", content: [:]), as: s.owner)
            let shared = try await s.store.createRecord(
                NewRecord(type: "note", content: [:], permissions: [.entity(id: e.entityId, read: true, write: false)]), as: s.owner)
            try await s.store.deleteRecord(shared.id, as: s.owner)
            let erased = try await s.store.createRecord(NewRecord(type: "note", content: [:], permissions: [.public]), as: s.owner)
            try await s.store.hardDeleteRecord(erased.id, as: s.owner)
            let forE = try await s.store.changes(since: start, as: e)
            // A soft-deleted record stays readable for the change log; erase events are the owner's.
            #expect(forE.results.map(\.recordId) == [shared.id, shared.id])
            #expect(forE.results.map(\.operation) == [.create, .delete])
            let anonymous = try await s.store.changes(since: start, as: nil)
            #expect(anonymous.results.isEmpty)
            let owner = try await s.store.changes(since: start, as: s.owner)
            #expect(owner.results.count == 5)
            #expect(owner.results.contains { $0.recordId == hidden.id })
        }
    }

    @Test func waitersWakeOnNewEventsAndTimeOut() async throws {
        try await withStack { s in
            try await s.registerType()
            let seq = s.store.latestChangeSeq
            #expect(await s.store.waitForChanges(after: seq, timeout: .milliseconds(20)) == false)
            async let woke = s.store.waitForChanges(after: seq, timeout: .seconds(30))
            try await Task.sleep(for: .milliseconds(20))
            _ = try await s.store.createRecord(NewRecord(type: "note", content: [:]), as: s.owner)
            #expect(await woke == true)
            #expect(await s.store.waitForChanges(after: seq, timeout: .seconds(30)) == true)  // already there
        }
    }
}

@Suite struct IdempotencyTests {
    @Test func storedResponseCommitsWithTheWriteAndReplays() async throws {
        try await withStack { s in
            try await s.registerType()
            let stamp = IdempotencyStamp<Record>(entityId: s.owner.entityId, key: "k1", requestHash: "h1") { record in
                StoredResponse(
                    status: 201, headers: [StoredHeader(name: "Location", value: "/records/\(record.id)")],
                    body: record.json.serialized())
            }
            #expect(try await s.store.idempotentReplay(entityId: s.owner.entityId, key: "k1") == nil)
            let r = try await s.store.createRecord(NewRecord(type: "note", content: ["a": 1]), as: s.owner, idempotency: stamp)
            let replay = try #require(try await s.store.idempotentReplay(entityId: s.owner.entityId, key: "k1"))
            #expect(replay.requestHash == "h1")
            #expect(replay.response.status == 201)
            #expect(replay.response.headers == [StoredHeader(name: "Location", value: "/records/\(r.id)")])
            #expect(try JSON(parsing: replay.response.body)["id"]?.stringValue == r.id)
            // Another entity's key space is separate.
            #expect(try await s.store.idempotentReplay(entityId: "someone", key: "k1") == nil)
            // Reusing the key for a second write fails and rolls that write back.
            let before = try await s.store.listRecords(RecordListQuery(type: "note"), as: s.owner).results.count
            let again = await storeError {
                _ = try await s.store.createRecord(NewRecord(type: "note", content: ["a": 2]), as: s.owner, idempotency: stamp)
            }
            #expect(again?.isConflict == true)
            #expect(try await s.store.listRecords(RecordListQuery(type: "note"), as: s.owner).results.count == before)
        }
    }
}
