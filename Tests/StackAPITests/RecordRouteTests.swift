import StackJSON
import Testing

@testable import StackAPI

@Suite struct RecordRouteTests {
    @Test func createGetPatchDelete_roundTrip_withETagsAndLocation() async throws {
        try await withStack { stack in
            try await stack.registerNoteType()
            let created = try await stack.send("POST", "/records", token: stack.ownerToken, json: ["type": "note", "content": ["title": "Milk"]])
            #expect(created.status == 201)
            let id = try #require(created.json["id"]?.stringValue)
            #expect(created.header("Location") == "/records/\(id)")
            #expect(created.header("ETag") == "\"1\"")
            #expect(created.header("X-Content-Type-Options") == "nosniff")
            #expect(created.json["version"] == 1)
            #expect(created.json["content"] == ["title": "Milk"])
            #expect(created.json["permissions"] == [])

            let fetched = try await stack.send("GET", "/records/\(id)", token: stack.ownerToken)
            #expect(fetched.status == 200)
            #expect(fetched.json == created.json)
            let notModified = try await stack.send("GET", "/records/\(id)", token: stack.ownerToken, headers: [("If-None-Match", "\"1\"")])
            #expect(notModified.status == 304)
            #expect(notModified.body.isEmpty)

            let patched = try await stack.send(
                "PATCH", "/records/\(id)", token: stack.ownerToken, body: Array(#"{"done": true}"#.utf8),
                headers: [("Content-Type", "application/merge-patch+json"), ("If-Match", "\"1\"")])
            #expect(patched.status == 200)
            #expect(patched.json["version"] == 2)
            #expect(patched.json["content"] == ["title": "Milk", "done": true])
            #expect(patched.header("ETag") == "\"2\"")

            let unchanged = try await stack.send("PATCH", "/records/\(id)", token: stack.ownerToken, json: ["done": true])
            #expect(unchanged.status == 200)
            #expect(unchanged.json["version"] == 2)

            let stale = try await stack.send(
                "PATCH", "/records/\(id)", token: stack.ownerToken, json: ["done": false], headers: [("If-Match", "\"1\"")])
            #expect(stale.status == 412)
            #expect(stale.header("Content-Type") == "application/problem+json")

            let deleted = try await stack.send("DELETE", "/records/\(id)", token: stack.ownerToken)
            #expect(deleted.status == 204)
            #expect(try await stack.send("GET", "/records/\(id)", token: stack.ownerToken).status == 404)
            let withDeleted = try await stack.send("GET", "/records/\(id)?includeDeleted=true", token: stack.ownerToken)
            #expect(withDeleted.status == 200)
            #expect(withDeleted.json["deletedAt"]?.stringValue != nil)
        }
    }

    /// SPEC §4: a write grant without read lets its holder write, but shows it no more than a
    /// read would: the answers to its PATCH and restore carry no `content`.
    @Test func writeWithoutRead_answersWithoutContent() async throws {
        try await withStack { stack in
            try await stack.registerNoteType()
            let writer = try await stack.makeEntity("writer")
            let grant: JSON = ["access": "entity", "entityId": .string(writer.id), "read": false, "write": true]
            let created = try await stack.send(
                "POST", "/records", token: stack.ownerToken,
                json: ["type": "note", "content": ["title": "secret"], "permissions": [grant]])
            let id = try #require(created.json["id"]?.stringValue)
            #expect(try await stack.send("GET", "/records/\(id)", token: writer.token).status == 404)
            let patched = try await stack.send("PATCH", "/records/\(id)", token: writer.token, json: ["done": true])
            #expect(patched.status == 200)
            #expect(patched.json["content"] == nil && patched.json["version"] == 2 && patched.json["id"] == .string(id))
            #expect(patched.header("ETag") == "\"2\"")
            #expect(!String(decoding: patched.body, as: UTF8.self).contains("secret"))
            let restored = try await stack.send("POST", "/records/\(id)/restore/1", token: writer.token)
            #expect(restored.status == 200 && restored.json["content"] == nil && restored.json["version"] == 3)
            // The owner reads what was written.
            let read = try await stack.send("GET", "/records/\(id)", token: stack.ownerToken)
            #expect(read.json["content"] == ["title": "secret"] && read.json["version"] == 3)
        }
    }

    @Test func createErrors_haveTheSpecStatuses() async throws {
        try await withStack { stack in
            try await stack.registerNoteType()
            let unknownType = try await stack.send("POST", "/records", token: stack.ownerToken, json: ["type": "nope", "content": [:]])
            #expect(unknownType.status == 422)
            let wrongMedia = try await stack.send(
                "POST", "/records", token: stack.ownerToken, json: ["type": "note", "content": ["title": "x"]],
                headers: [("Content-Type", "text/plain")])
            #expect(wrongMedia.status == 415)
            let broken = try await stack.send(
                "POST", "/records", token: stack.ownerToken, body: Array("{\"type\":".utf8), headers: [("Content-Type", "application/json")])
            #expect(broken.status == 400)
            let missing = try await stack.send("POST", "/records", token: stack.ownerToken, json: ["type": "note"])
            #expect(missing.status == 400)
            #expect(missing.json["errors"]?[0]?["path"] == "/content")
            let unknownMember = try await stack.send(
                "POST", "/records", token: stack.ownerToken, json: ["type": "note", "content": ["title": "x"], "colour": "red"])
            #expect(unknownMember.status == 400)
            let first = try await stack.send(
                "POST", "/records", token: stack.ownerToken, json: ["type": "note", "content": ["title": "x"], "id": "my-note"])
            #expect(first.status == 201)
            #expect(first.header("Location") == "/records/my-note")
            let taken = try await stack.send(
                "POST", "/records", token: stack.ownerToken, json: ["type": "note", "content": ["title": "y"], "id": "my-note"])
            #expect(taken.status == 409)
            let badId = try await stack.send(
                "POST", "/records", token: stack.ownerToken, json: ["type": "note", "content": ["title": "y"], "id": "-bad"])
            #expect(badId.status == 400)
            let anonymous = try await stack.send("POST", "/records", json: ["type": "note", "content": ["title": "y"]])
            #expect(anonymous.status == 401)
            #expect(anonymous.header("WWW-Authenticate") == "Bearer realm=\"stack\"")
        }
    }

    @Test(.enabled(if: schemaValidatorIsLive, "needs the JSON Schema validator"))
    func invalidContent_is422_withErrorsPointingIntoTheBody() async throws {
        try await withStack { stack in
            try await stack.registerNoteType()
            let invalid = try await stack.send("POST", "/records", token: stack.ownerToken, json: ["type": "note", "content": ["title": 5]])
            #expect(invalid.status == 422)
            #expect(invalid.json["errors"]?[0]?["path"] == "/content/title")
            let created = try await stack.send("POST", "/records", token: stack.ownerToken, json: ["type": "note", "content": ["title": "x"]])
            let id = created.json["id"]?.stringValue ?? ""
            let badPatch = try await stack.send("PATCH", "/records/\(id)", token: stack.ownerToken, json: ["title": nil])
            #expect(badPatch.status == 422)
        }
    }

    @Test func list_pagesWithoutRepeatsOrGaps_andRejectsUnknownParameters() async throws {
        try await withStack { stack in
            try await stack.registerNoteType()
            var ids: [String] = []
            for index in 0..<7 {
                let response = try await stack.send(
                    "POST", "/records", token: stack.ownerToken, json: ["type": "note", "content": ["title": .string("n\(index)")]])
                ids.append(response.json["id"]?.stringValue ?? "")
            }
            var seen: [String] = []
            var cursor: String?
            repeat {
                let target = "/records?type=note&limit=3" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await stack.send("GET", target, token: stack.ownerToken)
                #expect(page.status == 200)
                let results = page.json["results"]?.arrayValue ?? []
                #expect(page.json["count"] == .int(results.count))
                seen += results.compactMap { $0["id"]?.stringValue }
                cursor = page.json["nextCursor"]?.stringValue
            } while cursor != nil
            #expect(seen == ids.reversed())
            let oldestFirst = try await stack.send("GET", "/records?type=note&sort=createdAt&limit=1000", token: stack.ownerToken)
            #expect(oldestFirst.json["results"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ids)
            #expect(try await stack.send("GET", "/records?colour=red", token: stack.ownerToken).status == 400)
            #expect(try await stack.send("GET", "/records?limit=1001", token: stack.ownerToken).status == 400)
            let anonymous = try await stack.send("GET", "/records?type=note")
            #expect(anonymous.status == 200)
            #expect(anonymous.json["count"] == 0)
            #expect(anonymous.header("RateLimit-Limit") == "600")
        }
    }

    @Test func unknownPaths404_wrongMethods405WithAllow_andPreflight() async throws {
        try await withStack { stack in
            let missing = try await stack.send("GET", "/nothing/here")
            #expect(missing.status == 404)
            #expect(missing.header("Content-Type") == "application/problem+json")
            let wrong = try await stack.send("PUT", "/records", token: stack.ownerToken)
            #expect(wrong.status == 405)
            #expect(wrong.header("Allow") == "GET, HEAD, POST, OPTIONS")
            let preflight = try await stack.send("OPTIONS", "/records/abc", headers: [("Origin", "https://app.example")])
            #expect(preflight.status == 204)
            #expect(preflight.header("Access-Control-Allow-Methods") == "GET, HEAD, PATCH, DELETE, OPTIONS")
            let cors = try await stack.send("GET", "/types", headers: [("Origin", "https://app.example")])
            #expect(cors.header("Access-Control-Allow-Origin") == "*")
            let head = try await stack.send("HEAD", "/types")
            #expect(head.status == 200)
            let server = try await stack.send("OPTIONS", "*")
            #expect(server.status == 204 && server.header("Allow") == "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS")
            #expect(server.header("X-Content-Type-Options") == "nosniff")
            // Methods are case-sensitive (RFC 9110 §9.1): `delete` is not DELETE.
            try await stack.registerNoteType()
            let id = try #require(
                try await stack.send("POST", "/records", token: stack.ownerToken, json: ["type": "note", "content": ["title": "t"]])
                    .json["id"]?.stringValue)
            let lowercase = try await stack.send("delete", "/records/\(id)", token: stack.ownerToken)
            #expect(lowercase.status == 405 && lowercase.header("Allow") == "GET, HEAD, PATCH, DELETE, OPTIONS")
            #expect(try await stack.send("GET", "/records/\(id)", token: stack.ownerToken).status == 200)
            #expect(try await stack.send("get", "/types").status == 405)
        }
    }

    @Test func badTokens_are401_evenWhereAnonymousIsAllowed_andTheBackOffKicksIn() async throws {
        try await withStack { stack in
            let bad = try await stack.send("GET", "/types", token: "stk_not-a-real-token")
            #expect(bad.status == 401)
            #expect(bad.header("WWW-Authenticate")?.contains("invalid_token") == true)
            #expect(try await stack.send("GET", "/health", headers: [("Authorization", "Basic abc")]).status == 401)
            for _ in 0..<10 { _ = try await stack.send("GET", "/types", token: "stk_wrong", peer: "198.51.100.7") }
            let limited = try await stack.send("GET", "/types", token: stack.ownerToken, peer: "198.51.100.7")
            #expect(limited.status == 429)
            #expect(limited.header("Retry-After") != nil)
            #expect(try await stack.send("GET", "/types", token: stack.ownerToken, peer: "198.51.100.8").status == 200)
        }
    }

    @Test func accessLog_hasOneLinePerRequest_withoutSecrets() async throws {
        try await withStack { stack in
            _ = try await stack.send("GET", "/records?q=secret-search", token: stack.ownerToken)
            let lines = stack.logLines.all
            #expect(lines.count == 1)
            let line = try #require(lines.first)
            #expect(line.contains("GET /records 200"))
            #expect(line.contains("entity=\(stack.store.ownerEntityId)"))
            #expect(!line.contains(stack.ownerToken))
            #expect(!line.contains("secret-search"))
        }
    }
}
