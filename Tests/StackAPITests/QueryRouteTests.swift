import StackJSON
import Testing

@testable import StackAPI

@Suite struct QueryRouteTests {
    /// Creates notes with `title`s and `priority`s; returns their ids by title.
    private func seed(_ stack: TestStack, token: String? = nil) async throws -> [String: String] {
        var ids: [String: String] = [:]
        let notes: [(String, JSON)] = [("Milk", 5), ("Bread", "5"), ("Eggs", 1), ("Tea", 10), ("Jam", .null)]
        for (title, priority) in notes {
            let created = try await stack.send(
                "POST", "/records", token: token ?? stack.ownerToken, json: ["type": "note", "content": ["title": .string(title), "priority": priority]])
            #expect(created.status == 201, "\(created.text)")
            ids[title] = created.json["id"]?.stringValue
        }
        return ids
    }

    private func titles(_ response: TestResponse) -> [String] {
        (response.json["results"]?.arrayValue ?? []).compactMap { $0["content"]?["title"]?.stringValue }
    }

    @Test func postQuery_filtersSortsAndPages() async throws {
        try await withStack { stack in
            try await stack.registerNoteType()
            _ = try await seed(stack)
            let numbers = try await stack.send(
                "POST", "/records/query", token: stack.ownerToken,
                json: ["type": "note", "where": ["content.priority": ["gte": 1]], "sort": [["field": "content.priority", "order": "desc"]]])
            #expect(numbers.status == 200, "\(numbers.text)")
            #expect(titles(numbers) == ["Tea", "Milk", "Eggs"])
            #expect(numbers.json["count"] == 3)
            #expect(numbers.json["nextCursor"] == .null)
            // The string "5" is not the number 5.
            let typed = try await stack.send("POST", "/records/query", token: stack.ownerToken, json: ["where": ["content.priority": "5"]])
            #expect(titles(typed) == ["Bread"])
            // Paging by a content sort visits every note once.
            var seen: [String] = []
            var cursor: JSON = .null
            repeat {
                let page = try await stack.send(
                    "POST", "/records/query", token: stack.ownerToken,
                    json: ["type": ["note"], "sort": [["field": "content.priority"]], "limit": 2, "cursor": cursor])
                #expect(page.status == 200, "\(page.text)")
                seen += titles(page)
                cursor = page.json["nextCursor"] ?? .null
            } while cursor != .null && seen.count < 20
            #expect(seen.sorted() == ["Bread", "Eggs", "Jam", "Milk", "Tea"])
            #expect(seen.first == "Jam")  // null sorts before numbers, numbers before strings
        }
    }

    @Test func postQuery_malformedBodies_are400NamingTheFault() async throws {
        try await withStack { stack in
            let bad = try await stack.send(
                "POST", "/records/query", token: stack.ownerToken,
                json: ["where": ["and": [["content.a": 1], ["content.priority": ["gtt": 1]]]]])
            #expect(bad.status == 400)
            #expect(bad.header("Content-Type") == "application/problem+json")
            #expect(bad.json["errors"]?[0]?["path"] == "/where/and/1/content.priority")
            #expect(bad.json["errors"]?[0]?["message"]?.stringValue?.contains("unknown operator \"gtt\"") == true)
            let field = try await stack.send("POST", "/records/query", token: stack.ownerToken, json: ["where": ["colour": 1]])
            #expect(field.status == 400)
            #expect(field.json["errors"]?[0]?["path"] == "/where/colour")
            let member = try await stack.send("POST", "/records/query", token: stack.ownerToken, json: ["colour": 1])
            #expect(member.status == 400)
            #expect(try await stack.send("POST", "/records/query", token: stack.ownerToken, json: ["limit": 1001]).status == 400)
            #expect(try await stack.send("POST", "/records/query", token: stack.ownerToken, json: ["cursor": "junk"]).status == 400)
            let notJSON = try await stack.send("POST", "/records/query", token: stack.ownerToken, body: Array("{".utf8), headers: [("Content-Type", "application/json")])
            #expect(notJSON.status == 400)
            let wrongMedia = try await stack.send("POST", "/records/query", token: stack.ownerToken, body: Array("{}".utf8), headers: [("Content-Type", "text/plain")])
            #expect(wrongMedia.status == 415)
            let array = try await stack.send("POST", "/records/query", token: stack.ownerToken, json: [1])
            #expect(array.status == 400)
        }
    }

    @Test func queries_seeOnlyReadableRecords_anonymousIncluded() async throws {
        try await withStack { stack in
            try await stack.registerNoteType()
            let ids = try await seed(stack)
            let e = try await stack.makeEntity("E", create: ["note"])
            let put = try await stack.send(
                "PUT", "/records/\(ids["Milk"]!)/permissions", token: stack.ownerToken, json: ["permissions": [["access": "public"]]])
            #expect(put.status == 200, "\(put.text)")
            let shared = try await stack.send(
                "PUT", "/records/\(ids["Tea"]!)/permissions", token: stack.ownerToken,
                json: ["permissions": [["access": "entity", "entityId": .string(e.id), "read": true, "write": false]]])
            #expect(shared.status == 200)
            let body: JSON = ["where": ["content.priority": ["exists": true]], "sort": ["content.title"]]
            #expect(titles(try await stack.send("POST", "/records/query", json: body)) == ["Milk"])
            #expect(titles(try await stack.send("POST", "/records/query", token: e.token, json: body)) == ["Milk", "Tea"])
            #expect(titles(try await stack.send("POST", "/records/query", token: stack.ownerToken, json: body)).count == 5)
            #expect(try await stack.send("POST", "/records/query", token: "stk_bogus", json: body).status == 401)
            let search = try await stack.send("GET", "/records?q=eggs", token: e.token)
            #expect(search.status == 200)
            #expect(titles(search) == [])
        }
    }

    @Test func getRecords_withQAndContentFilters() async throws {
        try await withStack { stack in
            try await stack.registerNoteType()
            _ = try await seed(stack)
            let number = try await stack.send("GET", "/records?type=note&content.priority=5", token: stack.ownerToken)
            #expect(number.status == 200, "\(number.text)")
            #expect(titles(number) == ["Milk"])
            #expect(titles(try await stack.send("GET", "/records?content.priority=%225%22", token: stack.ownerToken)) == ["Bread"])
            #expect(titles(try await stack.send("GET", "/records?content.priority=null", token: stack.ownerToken)) == ["Jam"])
            #expect(titles(try await stack.send("GET", "/records?content.title=Tea", token: stack.ownerToken)) == ["Tea"])
            #expect(titles(try await stack.send("GET", "/records?q=bread", token: stack.ownerToken)) == ["Bread"])
            #expect(titles(try await stack.send("GET", "/records?q=%22NEAR(%20*", token: stack.ownerToken)) == [])
            let paged = try await stack.send("GET", "/records?type=note&q=&sort=createdAt&limit=2&content.priority=5", token: stack.ownerToken)
            #expect(titles(paged) == ["Milk"])
            #expect(try await stack.send("GET", "/records?content.a..b=1", token: stack.ownerToken).status == 400)
            #expect(try await stack.send("GET", "/records?content.a%22b=1", token: stack.ownerToken).status == 400)
            #expect(try await stack.send("GET", "/records?colour=red", token: stack.ownerToken).status == 400)
            // Pages of a filtered list never repeat or skip.
            var seen: [String] = []
            var target = "/records?type=note&content.priority=5&limit=1"
            for _ in 0..<5 {
                let page = try await stack.send("GET", target, token: stack.ownerToken)
                seen += titles(page)
                guard let next = page.json["nextCursor"]?.stringValue else { break }
                target = "/records?type=note&content.priority=5&limit=1&cursor=\(next)"
            }
            #expect(seen == ["Milk"])
        }
    }
}
