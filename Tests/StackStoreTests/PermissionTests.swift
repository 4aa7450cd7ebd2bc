import Foundation
import StackJSON
import Testing
@testable import StackStore

/// SPEC §4, one test per rule.
@Suite struct PermissionTests {
    @Test func recordsArePrivateByDefault() async throws {
        try await withStack { s in
            try await s.registerType()
            let e = try await s.entity("E")
            let r = try await s.store.createRecord(NewRecord(type: "note", content: [:]), as: s.owner)
            #expect(await storeError { _ = try await s.store.record(r.id, as: e) }?.isNotFound == true)
            #expect(await storeError { _ = try await s.store.record(r.id, as: nil) }?.isNotFound == true)
            #expect(try await s.store.listRecords(RecordListQuery(), as: e).results.isEmpty)
        }
    }

    @Test func publicGrantLetsAnyoneReadButNotWrite() async throws {
        try await withStack { s in
            try await s.registerType()
            let e = try await s.entity("E")
            let r = try await s.store.createRecord(NewRecord(type: "note", content: [:], permissions: [.public]), as: s.owner)
            #expect(try await s.store.record(r.id, as: nil).id == r.id)
            let seen = try await s.store.record(r.id, as: e)
            #expect(seen.permissions == nil)  // non-owners see permissions only on their own records
            #expect(await storeError { _ = try await s.store.patchRecord(r.id, patch: ["a": 1], as: e) }?.isForbidden == true)
            #expect(await storeError { _ = try await s.store.patchRecord(r.id, patch: ["a": 1], as: nil) } == .unauthorized)
            #expect(try await s.store.listRecords(RecordListQuery(), as: nil).results.map(\.id) == [r.id])
        }
    }

    @Test func entityGrantsGiveReadAndWriteSeparately() async throws {
        try await withStack { s in
            try await s.registerType()
            let reader = try await s.entity("reader")
            let writer = try await s.entity("writer")
            let other = try await s.entity("other")
            let r = try await s.store.createRecord(
                NewRecord(
                    type: "note", content: [:],
                    permissions: [
                        .entity(id: reader.entityId, read: true, write: false), .entity(id: writer.entityId, read: true, write: true),
                    ]), as: s.owner)
            #expect(try await s.store.record(r.id, as: reader).id == r.id)
            #expect(await storeError { _ = try await s.store.patchRecord(r.id, patch: ["a": 1], as: reader) }?.isForbidden == true)
            #expect(try await s.store.patchRecord(r.id, patch: ["a": 1], as: writer).version == 2)
            #expect(await storeError { _ = try await s.store.record(r.id, as: other) }?.isNotFound == true)
            #expect(await storeError { _ = try await s.store.patchRecord(r.id, patch: ["a": 2], as: other) }?.isNotFound == true)
            // Writers may not soft-delete records they did not create.
            #expect(await storeError { try await s.store.deleteRecord(r.id, as: writer) }?.isForbidden == true)
        }
    }

    @Test func writeWithoutReadIsUselessForGet() async throws {
        try await withStack { s in
            try await s.registerType()
            let w = try await s.entity("w")
            let r = try await s.store.createRecord(
                NewRecord(type: "note", content: [:], permissions: [.entity(id: w.entityId, read: false, write: true)]), as: s.owner)
            #expect(await storeError { _ = try await s.store.record(r.id, as: w) }?.isNotFound == true)
            // …but the write grant itself works (SPEC §4: write without read is allowed), and its
            // answer shows no content, as a read would not.
            let patched = try await s.store.patchRecord(r.id, patch: ["a": 1], as: w)
            #expect(patched.version == 2 && patched.isContentHidden && patched.content == [:])
            #expect(patched.json["content"] == nil && patched.json["version"] == 2)
            // The same patch again makes a new version too: an unchanged version would confirm a
            // guess of the content to a caller who may not read it.
            let again = try await s.store.patchRecord(r.id, patch: ["a": 1], as: w)
            #expect(again.version == 3 && again.isContentHidden)
            let restored = try await s.store.restoreRecord(r.id, version: 1, as: w)
            #expect(restored.version == 4 && restored.isContentHidden && restored.json["content"] == nil)
            // The content was written all the same; readers see it.
            #expect(try await s.store.record(r.id, as: s.owner).content == [:])
            _ = try await s.store.patchRecord(r.id, patch: ["b": 2], as: w)
            let owners = try await s.store.patchRecord(r.id, patch: ["c": 3], as: s.owner)
            #expect(owners.content == ["b": 2, "c": 3] && !owners.isContentHidden)
        }
    }

    @Test func groupGrantsCountOnlyThroughLiveOwnerGroupsListingTheEntity() async throws {
        try await withStack { s in
            try await s.registerType()
            let member = try await s.entity("member")
            let outsider = try await s.entity("outsider")
            let group = try await s.store.createRecord(
                NewRecord(type: "group", content: ["name": "friends", "members": [.string(member.entityId)]]), as: s.owner)
            let r = try await s.store.createRecord(
                NewRecord(type: "note", content: [:], permissions: [.group(id: group.id, read: true, write: true)]), as: s.owner)
            #expect(try await s.store.record(r.id, as: member).id == r.id)
            #expect(try await s.store.patchRecord(r.id, patch: ["x": 1], as: member).version == 2)
            #expect(await storeError { _ = try await s.store.record(r.id, as: outsider) }?.isNotFound == true)
            // Adding the outsider to the group gives access at once.
            _ = try await s.store.patchRecord(
                group.id, patch: ["members": [.string(member.entityId), .string(outsider.entityId)]], as: s.owner)
            #expect(try await s.store.record(r.id, as: outsider).id == r.id)
            // A deleted group counts no more; restoring it brings access back.
            try await s.store.deleteRecord(group.id, as: s.owner)
            #expect(await storeError { _ = try await s.store.record(r.id, as: member) }?.isNotFound == true)
            _ = try await s.store.restoreRecord(group.id, version: 2, as: s.owner)
            #expect(try await s.store.record(r.id, as: member).id == r.id)
            #expect(try await s.store.listRecords(RecordListQuery(type: "note"), as: member).results.map(\.id) == [r.id])
        }
    }

    @Test func creatorsReadAndWriteTheirRecordsAndSeeTheirPermissions() async throws {
        try await withStack { s in
            try await s.registerType()
            let e = try await s.entity("E", create: ["note"])
            let r = try await s.store.createRecord(NewRecord(type: "note", content: ["a": 1]), as: e)
            #expect(r.createdBy == e.entityId)
            #expect(try await s.store.record(r.id, as: e).permissions == [])
            #expect(try await s.store.permissions(of: r.id, as: e) == [])
            #expect(try await s.store.patchRecord(r.id, patch: ["a": 2], as: e).version == 2)
            try await s.store.deleteRecord(r.id, as: e)
            // A creator may restore (and so undelete) its own record.
            #expect(try await s.store.restoreRecord(r.id, version: 1, as: e).deletedAt == nil)
            // The owner reads it too.
            #expect(try await s.store.record(r.id, as: s.owner).id == r.id)
        }
    }

    @Test func createNeedsATokenCreateGrantForTheType() async throws {
        try await withStack { s in
            try await s.registerType("note")
            try await s.registerType("task")
            let notesOnly = try await s.entity("n", create: ["note"])
            let nothing = try await s.entity("x", create: [])
            let star = try await s.entity("s", create: ["*"])
            _ = try await s.store.createRecord(NewRecord(type: "note", content: [:]), as: notesOnly)
            #expect(await storeError { _ = try await s.store.createRecord(NewRecord(type: "task", content: [:]), as: notesOnly) }?.isForbidden == true)
            #expect(await storeError { _ = try await s.store.createRecord(NewRecord(type: "note", content: [:]), as: nothing) }?.isForbidden == true)
            _ = try await s.store.createRecord(NewRecord(type: "task", content: [:]), as: star)
        }
    }

    @Test func entityAndGroupRecordsAreTheOwnersAlone() async throws {
        try await withStack { s in
            let star = try await s.entity("s", create: ["*"])
            #expect(await storeError { _ = try await s.store.createRecord(NewRecord(type: "entity", content: ["name": "x"]), as: star) }?.isForbidden == true)
            #expect(await storeError { _ = try await s.store.createRecord(NewRecord(type: "group", content: ["name": "g", "members": []]), as: star) }?.isForbidden == true)
            // Even with a write grant, a non-owner cannot modify an entity record.
            let other = try await s.store.createRecord(
                NewRecord(type: "entity", content: ["name": "o"], permissions: [.entity(id: star.entityId, read: true, write: true)]),
                as: s.owner)
            #expect(await storeError { _ = try await s.store.patchRecord(other.id, patch: ["name": "p"], as: star) }?.isForbidden == true)
        }
    }

    @Test func onlyTheOwnerSetsPermissions() async throws {
        try await withStack { s in
            try await s.registerType()
            let e = try await s.entity("E", create: ["note"])
            let own = try await s.store.createRecord(NewRecord(type: "note", content: [:]), as: e)
            #expect(await storeError { _ = try await s.store.setPermissions([.public], of: own.id, as: e) }?.isForbidden == true)
            #expect(await storeError { _ = try await s.store.createRecord(NewRecord(type: "note", content: [:], permissions: [.public]), as: e) }?.isForbidden == true)
            let hidden = try await s.store.createRecord(NewRecord(type: "note", content: [:]), as: s.owner)
            #expect(await storeError { _ = try await s.store.setPermissions([.public], of: hidden.id, as: e) }?.isNotFound == true)
            let updated = try await s.store.setPermissions([.public], of: own.id, as: s.owner)
            #expect(updated.permissions == [.public])
            #expect(updated.version == 1)
            #expect(try await s.store.record(own.id, as: nil).id == own.id)
        }
    }

    @Test func permissionsAreVisibleToOwnerAndCreatorOnly() async throws {
        try await withStack { s in
            try await s.registerType()
            let e = try await s.entity("E")
            let r = try await s.store.createRecord(NewRecord(type: "note", content: [:], permissions: [.public]), as: s.owner)
            #expect(try await s.store.permissions(of: r.id, as: s.owner) == [.public])
            #expect(await storeError { _ = try await s.store.permissions(of: r.id, as: e) }?.isForbidden == true)
            let hidden = try await s.store.createRecord(NewRecord(type: "note", content: [:]), as: s.owner)
            #expect(await storeError { _ = try await s.store.permissions(of: hidden.id, as: e) }?.isNotFound == true)
        }
    }

    @Test func invalidGrantsNameTheBadOne() throws {
        #expect(try Grant.list(from: ["permissions": [["access": "public"]]]) == [.public])
        #expect(try Grant.list(from: ["access": "public"]) == [.public])
        #expect(try Grant.list(from: [["access": "entity", "entityId": "abc", "read": true]]) == [.entity(id: "abc", read: true, write: false)])
        #expect(throws: StoreError.invalidGrant(index: 1, message: "\"access\" must be \"public\", \"entity\" or \"group\"")) {
            _ = try Grant.list(from: [["access": "public"], ["access": "everyone"]])
        }
        #expect(throws: StoreError.self) { _ = try Grant.list(from: [["access": "entity", "read": true]]) }
        #expect(throws: StoreError.self) { _ = try Grant.list(from: [["access": "group", "groupId": "g", "read": "yes"]]) }
        #expect(throws: StoreError.self) { _ = try Grant.list(from: [["access": "public", "extra": 1]]) }
    }

    @Test func softDeleteOnlyOwnRecords() async throws {
        try await withStack { s in
            try await s.registerType()
            let e = try await s.entity("E", create: ["note"])
            let ownerRecord = try await s.store.createRecord(
                NewRecord(type: "note", content: [:], permissions: [.entity(id: e.entityId, read: true, write: true)]), as: s.owner)
            #expect(await storeError { try await s.store.deleteRecord(ownerRecord.id, as: e) }?.isForbidden == true)
            let mine = try await s.store.createRecord(NewRecord(type: "note", content: [:]), as: e)
            try await s.store.deleteRecord(mine.id, as: e)
            #expect(await storeError { _ = try await s.store.record(mine.id, as: e) }?.isNotFound == true)
        }
    }
}
