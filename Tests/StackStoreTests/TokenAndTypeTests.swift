import Foundation
import StackJSON
import Testing
@testable import StackStore

@Suite struct TokenTests {
    @Test func createAuthenticateListRevoke() async throws {
        try await withStack { s in
            let made = try await s.store.createToken(NewToken(name: "phone app", createGrants: ["note"]), as: s.owner)
            #expect(made.secret.hasPrefix("stk_"))
            #expect(made.json["token"]?.stringValue == made.secret)
            // A new entity record was made for it.
            let entity = try await s.store.record(made.token.entityId, as: s.owner)
            #expect(entity.type == "entity")
            #expect(entity.content["name"] == "phone app")
            let principal = try await s.store.authenticate(secret: made.secret)
            #expect(principal == Principal(entityId: entity.id, isOwner: false, tokenId: made.token.id, createGrants: ["note"]))
            let listed = try await s.store.listTokens(as: s.owner)
            #expect(listed.map(\.id) == [made.token.id])
            #expect(listed[0].json["token"] == nil)
            // Only a hash is stored.
            let stored = try await s.store.read { db in try db.fetchAll("SELECT hash FROM tokens") { $0.text(0) } }
            #expect(stored == [TokenSecret.hash(of: made.secret)])
            try await s.store.revokeToken(made.token.id, as: s.owner)
            #expect(try await s.store.authenticate(secret: made.secret) == nil)
            #expect(await storeError { try await s.store.revokeToken(made.token.id, as: s.owner) }?.isNotFound == true)
        }
    }

    @Test func ownerTokenAndUnknownSecrets() async throws {
        try await withStack { s in
            let made = try await s.store.createToken(NewToken(name: "cli", entityId: s.store.ownerEntityId), as: s.owner)
            let principal = try await s.store.authenticate(secret: made.secret)
            #expect(principal?.isOwner == true)
            #expect(try await s.store.authenticate(secret: TokenSecret.generate()) == nil)
            #expect(try await s.store.authenticate(secret: "garbage") == nil)
        }
    }

    @Test func expiredTokensAreRefused() async throws {
        try await withStack { s in
            let later = Timestamp(milliseconds: Timestamp.now().milliseconds + 3_600_000)
            let made = try await s.store.createToken(NewToken(name: "short", expiresAt: later), as: s.owner)
            #expect(try await s.store.authenticate(secret: made.secret) != nil)
            #expect(try await s.store.listTokens(as: s.owner).first?.expiresAt == later)
            // Move the expiry into the past (as time passing would) and ask again.
            try await s.store.write { db in
                try db.execute("UPDATE tokens SET expires_at = ? WHERE id = ?", [Timestamp.now().milliseconds - 1, made.token.id])
            }
            #expect(try await s.store.authenticate(secret: made.secret) == nil)
            let past = await storeError {
                _ = try await s.store.createToken(NewToken(name: "x", expiresAt: Timestamp(milliseconds: 1000)), as: s.owner)
            }
            #expect(past?.isInvalidRequest == true)
        }
    }

    @Test func onlyTheOwnerManagesTokens() async throws {
        try await withStack { s in
            let e = try await s.entity("E")
            #expect(await storeError { _ = try await s.store.createToken(NewToken(name: "x"), as: e) }?.isForbidden == true)
            #expect(await storeError { _ = try await s.store.listTokens(as: e) }?.isForbidden == true)
            #expect(await storeError { _ = try await s.store.listTokens(as: nil) } == .unauthorized)
            let bad = await storeError { _ = try await s.store.createToken(NewToken(name: "x", entityId: "nope"), as: s.owner) }
            #expect(bad?.isInvalidRequest == true)
        }
    }

    @Test func lastUsedAtIsRecorded() async throws {
        try await withStack { s in
            let made = try await s.store.createToken(NewToken(name: "t"), as: s.owner)
            for _ in 0..<5 { _ = try await s.store.authenticate(secret: made.secret) }
            var lastUsed: Timestamp?
            for _ in 0..<500 {
                lastUsed = try await s.store.listTokens(as: s.owner).first?.lastUsedAt
                if lastUsed != nil { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(lastUsed != nil)
        }
    }

    @Test func erasingAnEntityRevokesItsTokens() async throws {
        try await withStack { s in
            let made = try await s.store.createToken(NewToken(name: "t"), as: s.owner)
            try await s.store.hardDeleteRecord(made.token.entityId, as: s.owner)
            #expect(try await s.store.authenticate(secret: made.secret) == nil)
        }
    }

    /// A soft-deleted entity acts no more: its tokens are refused until its record is restored.
    @Test func deletingAnEntitySuspendsItsTokens() async throws {
        try await withStack { s in
            let made = try await s.store.createToken(NewToken(name: "t"), as: s.owner)
            let other = try await s.store.createToken(NewToken(name: "u"), as: s.owner)
            try await s.store.deleteRecord(made.token.entityId, as: s.owner)
            #expect(try await s.store.authenticate(secret: made.secret) == nil)
            #expect(try await s.store.authenticate(secret: other.secret)?.entityId == other.token.entityId)
            _ = try await s.store.restoreRecord(made.token.entityId, version: 1, as: s.owner)
            #expect(try await s.store.authenticate(secret: made.secret)?.entityId == made.token.entityId)
        }
    }
}

@Suite struct TypeTests {
    @Test func registerGetListAndConflict() async throws {
        try await withStack { s in
            let t = try await s.store.registerType(
                NewType(id: "com.example.note", name: "Note", schema: ["type": "object"], indexes: ["status", "due.date"]), as: s.owner)
            #expect(t.builtIn == false)
            #expect(try await s.store.type("com.example.note") == t)
            let ids = try await s.store.listTypes().map(\.id)
            #expect(ids == ["com.example.note", "entity", "group"])
            let again = await storeError { _ = try await s.store.registerType(NewType(id: "com.example.note", schema: true), as: s.owner) }
            #expect(again?.isConflict == true)
            #expect(await storeError { _ = try await s.store.type("missing") }?.isNotFound == true)
        }
    }

    @Test func builtInTypesAreRegisteredFromTheFilesAndCannotBeReplaced() async throws {
        try await withStack { s in
            for definition in BuiltInTypes.all {
                let registered = try await s.store.type(definition.id)
                #expect(registered.builtIn)
                #expect(registered.schema == definition.schema)
                #expect(registered.name == definition.name)
                #expect(registered.indexes == definition.indexes)
                let replace = await storeError { _ = try await s.store.registerType(NewType(id: definition.id, schema: true), as: s.owner) }
                #expect(replace?.isConflict == true)
            }
        }
    }

    @Test func invalidIdsSchemasAndCallersAreRejected() async throws {
        try await withStack { s in
            for bad in ["Note", "1note", "note..x", "note-", "", String(repeating: "a", count: 129)] {
                let error = await storeError { _ = try await s.store.registerType(NewType(id: bad, schema: true), as: s.owner) }
                #expect(error?.isInvalidRequest == true, "\(bad)")
            }
            for bad: JSON in [5, ["type": 5], ["$ref": "https://example.com/remote.json"]] {
                let schema = await storeError { _ = try await s.store.registerType(NewType(id: "x", schema: bad), as: s.owner) }
                guard case .invalidSchema = schema else { Issue.record("expected invalidSchema for \(bad)"); return }
            }
            let e = try await s.entity("E")
            #expect(await storeError { _ = try await s.store.registerType(NewType(id: "x", schema: true), as: e) }?.isForbidden == true)
            #expect(await storeError { _ = try await s.store.registerType(NewType(id: "x", schema: true), as: nil) } == .unauthorized)
        }
    }
}
