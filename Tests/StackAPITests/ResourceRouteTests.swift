import StackJSON
import Testing

@testable import StackAPI
@testable import StackStore

@Suite struct ResourceRouteTests {
    @Test func versions_listNewestFirst_readOne_andRestore() async throws {
        try await withStack { stack in
            try await stack.registerNoteType()
            let id = try await stack.send("POST", "/records", token: stack.ownerToken, json: ["type": "note", "content": ["title": "a"]])
                .json["id"]?.stringValue ?? ""
            _ = try await stack.send("PATCH", "/records/\(id)", token: stack.ownerToken, json: ["title": "b"])
            let list = try await stack.send("GET", "/records/\(id)/versions", token: stack.ownerToken)
            #expect(list.json["results"]?.arrayValue?.compactMap { $0["version"] } == [2, 1])
            #expect(list.json["results"]?[1]?["operation"] == "create")
            #expect(list.json["count"] == 2)
            let one = try await stack.send("GET", "/records/\(id)/versions/1", token: stack.ownerToken)
            #expect(one.json["content"] == ["title": "a"])
            #expect(one.json["operation"] == "create")
            #expect(try await stack.send("GET", "/records/\(id)/versions/9", token: stack.ownerToken).status == 404)
            #expect(try await stack.send("GET", "/records/\(id)/versions/zero", token: stack.ownerToken).status == 404)
            let restored = try await stack.send("POST", "/records/\(id)/restore/1", token: stack.ownerToken, headers: [("If-Match", "\"2\"")])
            #expect(restored.status == 200)
            #expect(restored.json["version"] == 3)
            #expect(restored.json["content"] == ["title": "a"])
            let third = try await stack.send("GET", "/records/\(id)/versions/3", token: stack.ownerToken)
            #expect(third.json["operation"] == "restore")
            // Restore also undeletes.
            _ = try await stack.send("DELETE", "/records/\(id)", token: stack.ownerToken)
            let undeleted = try await stack.send("POST", "/records/\(id)/restore/2", token: stack.ownerToken)
            #expect(undeleted.status == 200)
            #expect(undeleted.json["deletedAt"] == .null)
            #expect(try await stack.send("GET", "/records/\(id)", token: stack.ownerToken).status == 200)
        }
    }

    @Test func associations_addListRemove_andTargetProblems() async throws {
        try await withStack { stack in
            try await stack.registerNoteType()
            func make(_ title: String) async throws -> String {
                try await stack.send("POST", "/records", token: stack.ownerToken, json: ["type": "note", "content": ["title": .string(title)]])
                    .json["id"]?.stringValue ?? ""
            }
            let a = try await make("a")
            let b = try await make("b")
            let link: JSON = ["targetId": .string(b), "relation": "cites"]
            let first = try await stack.send("POST", "/records/\(a)/associations", token: stack.ownerToken, json: link)
            #expect(first.status == 201)
            #expect(first.json["sourceId"] == .string(a))
            #expect(first.json["createdBy"] == .string(stack.store.ownerEntityId))
            let again = try await stack.send("POST", "/records/\(a)/associations", token: stack.ownerToken, json: link)
            #expect(again.status == 200)
            let out = try await stack.send("GET", "/records/\(a)/associations", token: stack.ownerToken)
            #expect(out.json["count"] == 1)
            #expect(try await stack.send("GET", "/records/\(b)/associations", token: stack.ownerToken).json["count"] == 0)
            #expect(try await stack.send("GET", "/records/\(b)/associations?direction=in", token: stack.ownerToken).json["count"] == 1)
            let linked = try await stack.send("GET", "/records?associatedWith=\(a)&direction=out", token: stack.ownerToken)
            #expect(linked.json["results"]?[0]?["id"] == .string(b))
            let missingTarget = try await stack.send(
                "POST", "/records/\(a)/associations", token: stack.ownerToken, json: ["targetId": "nope", "relation": "cites"])
            #expect(missingTarget.status == 422)
            #expect(missingTarget.json["errors"]?[0]?["path"] == "/targetId")
            let badRelation = try await stack.send(
                "POST", "/records/\(a)/associations", token: stack.ownerToken, json: ["targetId": .string(b), "relation": "9x"])
            #expect(badRelation.status == 400)
            let removeByBody = try await stack.send("DELETE", "/records/\(a)/associations", token: stack.ownerToken, json: link)
            #expect(removeByBody.status == 204)
            let gone = try await stack.send("DELETE", "/records/\(a)/associations?targetId=\(b)&relation=cites", token: stack.ownerToken)
            #expect(gone.status == 404)
            #expect(try await stack.send("DELETE", "/records/\(a)/associations", token: stack.ownerToken).status == 400)
        }
    }

    @Test func types_registerGetList_andConflicts() async throws {
        try await withStack { stack in
            try await stack.registerNoteType()
            let note = try await stack.send("GET", "/types/note")
            #expect(note.status == 200)
            #expect(note.json["builtIn"] == false)
            #expect(try await stack.send("GET", "/types/entity").json["builtIn"] == true)
            #expect(try await stack.send("GET", "/types/nothing").status == 404)
            let page = try await stack.send("GET", "/types?limit=2")
            #expect(page.json["count"] == 2)
            let rest = try await stack.send("GET", "/types?cursor=\(page.json["nextCursor"]?.stringValue ?? "")")
            let ids = (page.json["results"]?.arrayValue ?? []) + (rest.json["results"]?.arrayValue ?? [])
            #expect(ids.compactMap { $0["id"]?.stringValue } == ["entity", "group", "note"])
            // A cursor the list did not give is refused, as on every list (an id is not a cursor).
            for bad in ["zzz", "group", "%2A"] {
                let refused = try await stack.send("GET", "/types?cursor=\(bad)")
                #expect(refused.status == 400, "\(bad)")
            }
            #expect(try await stack.send("GET", "/tokens?cursor=zzz", token: stack.ownerToken).status == 400)
            let taken = try await stack.send("POST", "/types", token: stack.ownerToken, json: ["id": "note", "schema": [:]])
            #expect(taken.status == 409)
            let builtIn = try await stack.send("POST", "/types", token: stack.ownerToken, json: ["id": "entity", "schema": [:]])
            #expect(builtIn.status == 409)
            let badId = try await stack.send("POST", "/types", token: stack.ownerToken, json: ["id": "Bad Id", "schema": [:]])
            #expect(badId.status == 400)
            // A schema that does not compile: the error points at the fault inside the body.
            let badKeyword = try await stack.send(
                "POST", "/types", token: stack.ownerToken,
                json: ["id": "bad.keyword", "schema": ["type": "object", "properties": ["a": ["minLength": "x"]]]])
            #expect(badKeyword.status == 400)
            #expect(badKeyword.json["errors"]?[0]?["path"] == "/schema/properties/a/minLength")
            // Another dialect is refused; a boolean schema is a schema (content is still an object).
            let draft4 = try await stack.send(
                "POST", "/types", token: stack.ownerToken,
                json: ["id": "old.draft", "schema": ["$schema": "http://json-schema.org/draft-04/schema#", "type": "object"]])
            #expect(draft4.status == 400 && draft4.json["errors"]?[0]?["path"] == "/schema/$schema")
            let current = try await stack.send(
                "POST", "/types", token: stack.ownerToken,
                json: ["id": "new.draft", "schema": ["$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"]])
            #expect(current.status == 201)
            let anything = try await stack.send("POST", "/types", token: stack.ownerToken, json: ["id": "anything", "schema": true])
            #expect(anything.status == 201 && anything.json["schema"] == true)
            let record = try await stack.send("POST", "/records", token: stack.ownerToken, json: ["type": "anything", "content": ["x": 1]])
            #expect(record.status == 201)
            let notObject = try await stack.send("POST", "/records", token: stack.ownerToken, json: ["type": "anything", "content": 5])
            #expect(notObject.status == 422 || notObject.status == 400)
            let number = try await stack.send("POST", "/types", token: stack.ownerToken, json: ["id": "number", "schema": 5])
            #expect(number.status == 400 && number.json["errors"]?[0]?["path"] == "/schema")
            let reverseDNS = try await stack.send("POST", "/types", token: stack.ownerToken, json: ["id": "com.example.note", "schema": [:]])
            #expect(reverseDNS.status == 201)
            #expect(reverseDNS.header("Location") == "/types/com.example.note")
            let entity = try await stack.makeEntity("app")
            #expect(try await stack.send("POST", "/types", token: entity.token, json: ["id": "x", "schema": [:]]).status == 403)
        }
    }

    @Test func tokens_createListRevoke_andTheRevokedTokenIs401() async throws {
        try await withStack { stack in
            let created = try await stack.send(
                "POST", "/tokens", token: stack.ownerToken,
                json: ["name": "phone", "grants": ["create": ["*"]], "expiresAt": "2099-01-01T00:00:00Z"])
            #expect(created.status == 201)
            let secret = try #require(created.json["token"]?.stringValue)
            let id = try #require(created.json["id"]?.stringValue)
            #expect(created.header("Location") == "/tokens/\(id)")
            #expect(created.json["expiresAt"] == "2099-01-01T00:00:00.000Z")
            #expect(created.json["grants"] == ["create": ["*"]])
            let list = try await stack.send("GET", "/tokens", token: stack.ownerToken)
            #expect(list.json["count"] == 2)
            #expect(!list.text.contains(secret))
            #expect(try await stack.send("GET", "/entity", token: secret).status == 200)
            #expect(try await stack.send("GET", "/tokens", token: secret).status == 403)
            #expect(try await stack.send("DELETE", "/tokens/\(id)", token: stack.ownerToken).status == 204)
            #expect(try await stack.send("GET", "/entity", token: secret).status == 401)
            #expect(try await stack.send("DELETE", "/tokens/\(id)", token: stack.ownerToken).status == 404)
            let badExpiry = try await stack.send("POST", "/tokens", token: stack.ownerToken, json: ["name": "x", "expiresAt": "soon"])
            #expect(badExpiry.status == 400)
            #expect(badExpiry.json["errors"]?[0]?["path"] == "/expiresAt")

            // A retried POST /tokens with an Idempotency-Key gets the same token, secret included,
            // while only the secret's hash is stored (the stored answer leaves it out).
            let first = try await stack.send(
                "POST", "/tokens", token: stack.ownerToken, json: ["name": "retry"], headers: [("Idempotency-Key", "tok-1")])
            let again = try await stack.send(
                "POST", "/tokens", token: stack.ownerToken, json: ["name": "retry"], headers: [("Idempotency-Key", "tok-1")])
            #expect(first.status == 201 && again.status == 201 && again.header("Idempotent-Replayed") == "true")
            #expect(again.json["id"] == first.json["id"] && again.json["token"] == first.json["token"])
            #expect(again.json["entityId"] == first.json["entityId"])
            let firstSecret = try #require(first.json["token"]?.stringValue)
            let storedBodies = try await stack.store.read { db in
                try db.fetchAll("SELECT body FROM idempotency") { String(decoding: $0.blob(0), as: UTF8.self) }
            }
            #expect(!storedBodies.isEmpty && storedBodies.allSatisfy { !$0.contains(firstSecret) })
            let tokens = try await stack.send("GET", "/tokens", token: stack.ownerToken)
            #expect(tokens.json["results"]?.arrayValue?.filter { $0["name"] == "retry" }.count == 1)
            let otherBody = try await stack.send(
                "POST", "/tokens", token: stack.ownerToken, json: ["name": "other"], headers: [("Idempotency-Key", "tok-1")])
            #expect(otherBody.status == 422)

            // Deleting the entity suspends its tokens at once (even one just used); restoring it
            // brings them back.
            let bob = try await stack.makeEntity("bob")
            #expect(try await stack.send("GET", "/entity", token: bob.token).status == 200)
            #expect(try await stack.send("DELETE", "/records/\(bob.id)", token: stack.ownerToken).status == 204)
            #expect(try await stack.send("GET", "/entity", token: bob.token).status == 401)
            #expect(try await stack.send("POST", "/records/\(bob.id)/restore/1", token: stack.ownerToken).status == 200)
            #expect(try await stack.send("GET", "/entity", token: bob.token).status == 200)
        }
    }

    @Test func entity_getAndPatch() async throws {
        try await withStack { stack in
            let entity = try await stack.send("GET", "/entity", token: stack.ownerToken)
            #expect(entity.json["id"] == .string(stack.store.ownerEntityId))
            #expect(entity.json["type"] == "entity")
            let patched = try await stack.send(
                "PATCH", "/entity", token: stack.ownerToken, body: Array(#"{"name": "Ada"}"#.utf8),
                headers: [("Content-Type", "application/merge-patch+json")])
            #expect(patched.status == 200)
            #expect(patched.json["content"]?["name"] == "Ada")
            let other = try await stack.makeEntity("bob")
            #expect(try await stack.send("GET", "/entity", token: other.token).status == 200)
            #expect(try await stack.send("PATCH", "/entity", token: other.token, json: ["name": "Bob"]).status == 403)
            #expect(try await stack.send("GET", "/entity").status == 401)
        }
    }

    @Test func idempotencyKey_replays_refusesAnotherBody_andNeverCreatesTwice() async throws {
        try await withStack { stack in
            try await stack.registerNoteType()
            let body: JSON = ["type": "note", "content": ["title": "once"]]
            let first = try await stack.send("POST", "/records", token: stack.ownerToken, json: body, headers: [("Idempotency-Key", "k-1")])
            #expect(first.status == 201)
            #expect(first.header("Idempotent-Replayed") == nil)
            let replay = try await stack.send(
                "POST", "/records", token: stack.ownerToken, body: Array(#"{ "content": {"title": "once"}, "type": "note" }"#.utf8),
                headers: [("Idempotency-Key", "k-1"), ("Content-Type", "application/json")])
            #expect(replay.status == 201)
            #expect(replay.header("Idempotent-Replayed") == "true")
            #expect(replay.json == first.json)
            #expect(replay.header("Location") == first.header("Location"))
            let list = try await stack.send("GET", "/records?type=note", token: stack.ownerToken)
            #expect(list.json["count"] == 1)
            let other = try await stack.send(
                "POST", "/records", token: stack.ownerToken, json: ["type": "note", "content": ["title": "twice"]],
                headers: [("Idempotency-Key", "k-1")])
            #expect(other.status == 422)
            // Keys belong to their entity: another entity may use the same one.
            let bob = try await stack.makeEntity("bob", create: ["note"])
            let bobs = try await stack.send("POST", "/records", token: bob.token, json: body, headers: [("Idempotency-Key", "k-1")])
            #expect(bobs.status == 201)
            #expect(bobs.json["id"] != first.json["id"])
            let invalidKey = try await stack.send(
                "POST", "/records", token: stack.ownerToken, json: body, headers: [("Idempotency-Key", "has space")])
            #expect(invalidKey.status == 400)
        }
    }

    @Test func idempotencyKey_coversTypesAssociationsAndAttachments() async throws {
        try await withStack { stack in
            let type: JSON = ["id": "note", "schema": ["type": "object"]]
            let first = try await stack.send("POST", "/types", token: stack.ownerToken, json: type, headers: [("Idempotency-Key", "t")])
            let again = try await stack.send("POST", "/types", token: stack.ownerToken, json: type, headers: [("Idempotency-Key", "t")])
            #expect(first.status == 201 && again.status == 201)
            #expect(again.header("Idempotent-Replayed") == "true")

            let a = try await stack.send("POST", "/records", token: stack.ownerToken, json: ["type": "note", "content": [:]]).json["id"]?.stringValue ?? ""
            let b = try await stack.send("POST", "/records", token: stack.ownerToken, json: ["type": "note", "content": [:]]).json["id"]?.stringValue ?? ""
            let link: JSON = ["targetId": .string(b), "relation": "cites"]
            let linked = try await stack.send("POST", "/records/\(a)/associations", token: stack.ownerToken, json: link, headers: [("Idempotency-Key", "l")])
            let relinked = try await stack.send("POST", "/records/\(a)/associations", token: stack.ownerToken, json: link, headers: [("Idempotency-Key", "l")])
            #expect(linked.status == 201 && relinked.status == 201)
            #expect(relinked.header("Idempotent-Replayed") == "true")

            let upload = try await stack.send("POST", "/attachments", token: stack.ownerToken, body: [1, 2, 3], headers: [("Idempotency-Key", "f")])
            let reupload = try await stack.send("POST", "/attachments", token: stack.ownerToken, body: [1, 2, 3], headers: [("Idempotency-Key", "f")])
            #expect(upload.status == 201)
            #expect(reupload.header("Idempotent-Replayed") == "true")
            #expect(reupload.json["fileId"] == upload.json["fileId"])
            let different = try await stack.send("POST", "/attachments", token: stack.ownerToken, body: [1, 2, 3, 4], headers: [("Idempotency-Key", "f")])
            #expect(different.status == 422)
            // The same length and type with other bytes is another request too (the bytes' SHA-256
            // is what is compared); nothing is stored for it.
            let sameLength = try await stack.send("POST", "/attachments", token: stack.ownerToken, body: [9, 9, 9], headers: [("Idempotency-Key", "f")])
            #expect(sameLength.status == 422)
            #expect(sameLength.header("Idempotent-Replayed") == nil)
            let retried = try await stack.send("POST", "/attachments", token: stack.ownerToken, body: [1, 2, 3], headers: [("Idempotency-Key", "f")])
            #expect(retried.status == 201 && retried.json["fileId"] == upload.json["fileId"])
            // Another type for the same bytes is another request.
            let otherType = try await stack.send(
                "POST", "/attachments", token: stack.ownerToken, body: [1, 2, 3],
                headers: [("Idempotency-Key", "f"), ("Content-Type", "text/plain")])
            #expect(otherType.status == 422)
        }
    }

    @Test func rateLimit_perNonOwnerToken_withHeaders_ownerUnlimited() async throws {
        try await withStack(configuration: AppConfiguration(rateLimitPerMinute: 3)) { stack in
            let bob = try await stack.makeEntity("bob")
            var last: TestResponse?
            for expectedRemaining in ["2", "1", "0"] {
                last = try await stack.send("GET", "/entity", token: bob.token)
                #expect(last?.status == 200)
                #expect(last?.header("RateLimit-Remaining") == expectedRemaining)
                #expect(last?.header("RateLimit-Limit") == "3")
            }
            let limited = try await stack.send("GET", "/entity", token: bob.token)
            #expect(limited.status == 429)
            // One token comes back every 20 s (3 a minute); how much of that is left depends on how
            // long the requests above took, so only the bounds are fixed.
            let retryAfter = limited.header("Retry-After").flatMap { Int($0) }
            #expect(retryAfter.map { (1...20).contains($0) } == true)
            #expect(limited.header("RateLimit-Remaining") == "0")
            for _ in 0..<5 {
                let owner = try await stack.send("GET", "/entity", token: stack.ownerToken)
                #expect(owner.status == 200)
                #expect(owner.header("RateLimit-Limit") == nil)
            }
            // Anonymous callers are limited per address.
            for _ in 0..<3 { #expect(try await stack.send("GET", "/types", peer: "203.0.113.1").status == 200) }
            #expect(try await stack.send("GET", "/types", peer: "203.0.113.1").status == 429)
            #expect(try await stack.send("GET", "/types", peer: "203.0.113.2").status == 200)
        }
    }
}

@Suite struct ConditionalWriteTests {
    @Test func ifMatch_guardsDeletePermissionsAndRestore() async throws {
        try await withStack { stack in
            try await stack.registerNoteType()
            let id = try await stack.send("POST", "/records", token: stack.ownerToken, json: ["type": "note", "content": ["title": "a"]])
                .json["id"]?.stringValue ?? ""
            let stale = [("If-Match", "\"7\"")]
            #expect(try await stack.send("DELETE", "/records/\(id)", token: stack.ownerToken, headers: stale).status == 412)
            #expect(try await stack.send("PUT", "/records/\(id)/permissions", token: stack.ownerToken, json: [], headers: stale).status == 412)
            #expect(try await stack.send("POST", "/records/\(id)/restore/1", token: stack.ownerToken, headers: stale).status == 412)
            let several = try await stack.send(
                "PUT", "/records/\(id)/permissions", token: stack.ownerToken, json: [["access": "public"]],
                headers: [("If-Match", "\"5\", \"1\"")])
            #expect(several.status == 200)
            #expect(several.json == ["permissions": [["access": "public"]]])
            #expect(try await stack.send("GET", "/records/\(id)").status == 200)
            let any = try await stack.send("DELETE", "/records/\(id)", token: stack.ownerToken, headers: [("If-Match", "*")])
            #expect(any.status == 204)
            #expect(try await stack.send("DELETE", "/records/nothing", token: stack.ownerToken, headers: [("If-Match", "*")]).status == 404)
        }
    }

    @Test func idempotencyGate_refusesASecondClaimWhileTheFirstRuns() {
        let gate = IdempotencyGate()
        #expect(gate.begin(entityId: "e", key: "k"))
        #expect(!gate.begin(entityId: "e", key: "k"))
        #expect(gate.begin(entityId: "other", key: "k"))
        gate.end(entityId: "e", key: "k")
        #expect(gate.begin(entityId: "e", key: "k"))
        #expect(IdempotencyGate.isValidKey("a-b_c.1"))
        #expect(!IdempotencyGate.isValidKey(""))
        #expect(!IdempotencyGate.isValidKey(String(repeating: "a", count: 256)))
    }
}
