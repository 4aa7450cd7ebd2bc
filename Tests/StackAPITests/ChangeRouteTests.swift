import StackJSON
import StackStore
import Synchronization
import Testing

@testable import StackAPI

/// Stops a change stream once the test has what it wants (as a closing peer would).
private struct StopStream: Error {}

/// Runs `GET /changes/stream` in-process and returns its text once `events` events arrived.
private func streamText(_ stack: TestStack, target: String = "/changes/stream", token: String?, headers: [(String, String)] = [], events: Int)
    async throws -> (status: Int, contentType: String?, text: String)
{
    var allHeaders = headers.map { (name: $0.0, value: $0.1) }
    if let token { allHeaders.append(("Authorization", "Bearer \(token)")) }
    let response = await stack.app.handle(APIRequest(method: "GET", target: target, headers: allHeaders))
    guard let stream = response.stream else {
        return (response.status, response.header("Content-Type"), String(decoding: response.body, as: UTF8.self))
    }
    let collected = Mutex<[UInt8]>([])
    do {
        try await stream { bytes in
            let count = collected.withLock { buffer -> Int in
                buffer += bytes
                return String(decoding: buffer, as: UTF8.self).components(separatedBy: "event: change\n").count - 1
            }
            if count >= events { throw StopStream() }
        }
    } catch is StopStream {}
    return (response.status, response.header("Content-Type"), String(decoding: collected.withLock { $0 }, as: UTF8.self))
}

/// The `data:` JSON of each event in an SSE text.
private func eventData(_ text: String) -> [JSON] {
    text.components(separatedBy: "\n").filter { $0.hasPrefix("data: ") }.compactMap { try? JSONParser.parse(Array($0.dropFirst(6).utf8)) }
}

@Suite struct ChangeRouteTests {
    @Test func changes_listsReadableEventsInOrder_withNextSince() async throws {
        try await withStack { stack in
            try await stack.registerNoteType()
            let e = try await stack.makeEntity("E", create: ["note"])
            let start = try await stack.send("GET", "/changes?limit=1000", token: stack.ownerToken)
            let since = start.json["nextSince"]?.int64Value ?? 0
            let secret = try await stack.send("POST", "/records", token: stack.ownerToken, json: ["type": "note", "content": ["title": "secret"]])
            let mine = try await stack.send("POST", "/records", token: e.token, json: ["type": "note", "content": ["title": "mine"]])
            let mineID = mine.json["id"]!.stringValue!
            #expect(try await stack.send("PATCH", "/records/\(mineID)", token: e.token, json: ["title": "mine 2"]).status == 200)
            let all = try await stack.send("GET", "/changes?since=\(since)", token: stack.ownerToken)
            #expect(all.status == 200)
            let results = all.json["results"]?.arrayValue ?? []
            #expect(results.map { $0["operation"]?.stringValue } == ["create", "create", "update"])
            #expect(results.map { $0["recordId"]?.stringValue } == [secret.json["id"]?.stringValue, mineID, mineID])
            #expect(results.last?["version"] == 2)
            #expect(results.last?["type"] == "note")
            #expect(results.last?["at"]?.stringValue?.hasSuffix("Z") == true)
            #expect(all.json["count"] == 3)
            #expect(all.json["nextSince"] == results.last?["seq"])
            // The entity sees only its own record's events; anonymous sees none of these.
            let theirs = try await stack.send("GET", "/changes?since=\(since)", token: e.token)
            #expect((theirs.json["results"]?.arrayValue ?? []).map { $0["recordId"]?.stringValue } == [mineID, mineID])
            #expect(try await stack.send("GET", "/changes?since=\(since)").json["count"] == 0)
            // Paging by nextSince.
            let first = try await stack.send("GET", "/changes?since=\(since)&limit=2", token: stack.ownerToken)
            #expect(first.json["count"] == 2)
            let rest = try await stack.send("GET", "/changes?since=\(first.json["nextSince"]!.int64Value!)", token: stack.ownerToken)
            #expect(rest.json["count"] == 1)
            // Erase events go to the owner only.
            #expect(try await stack.send("DELETE", "/records/\(mineID)?hard=true", token: stack.ownerToken).status == 204)
            let after = all.json["nextSince"]!.int64Value!
            let ownerView = try await stack.send("GET", "/changes?since=\(after)", token: stack.ownerToken)
            #expect(ownerView.json["results"]?[0]?["operation"] == "erase")
            #expect(try await stack.send("GET", "/changes?since=\(after)", token: e.token).json["count"] == 0)
        }
    }

    @Test func changes_badParameters_are400() async throws {
        try await withStack { stack in
            for target in ["/changes?since=-1", "/changes?since=x", "/changes?limit=1001", "/changes?limit=0", "/changes?colour=1"] {
                #expect(try await stack.send("GET", target, token: stack.ownerToken).status == 400, "\(target)")
            }
            #expect(try await stack.send("GET", "/changes", token: "stk_bogus").status == 401)
            let stream = try await stack.send("GET", "/changes/stream", token: stack.ownerToken, headers: [("Last-Event-ID", "abc")])
            #expect(stream.status == 400)
            #expect(try await stack.send("GET", "/changes/stream?since=1.5", token: stack.ownerToken).status == 400)
        }
    }

    @Test func stream_sendsServerSentEvents_resumingAfterLastEventID() async throws {
        try await withStack { stack in
            try await stack.registerNoteType()
            let e = try await stack.makeEntity("E", create: ["note"])
            _ = try await stack.send("POST", "/records", token: stack.ownerToken, json: ["type": "note", "content": ["title": "secret"]])
            let one = try await stack.send("POST", "/records", token: e.token, json: ["type": "note", "content": ["title": "one"]])
            let two = try await stack.send("POST", "/records", token: e.token, json: ["type": "note", "content": ["title": "two"]])
            let streamed = try await streamText(stack, token: e.token, events: 2)
            #expect(streamed.status == 200)
            #expect(streamed.contentType == "text/event-stream")
            #expect(eventData(streamed.text).map { $0["recordId"] } == [one.json["id"], two.json["id"]])
            let firstSeq = eventData(streamed.text)[0]["seq"]!.int64Value!
            #expect(streamed.text.contains("id: \(firstSeq)\nevent: change\ndata: {"))
            // Resume after the first event: only the second comes.
            let resumed = try await streamText(stack, token: e.token, headers: [("Last-Event-ID", "\(firstSeq)")], events: 1)
            #expect(eventData(resumed.text).map { $0["recordId"] } == [two.json["id"]])
            let bySince = try await streamText(stack, target: "/changes/stream?since=\(firstSeq)", token: e.token, events: 1)
            #expect(eventData(bySince.text).map { $0["recordId"] } == [two.json["id"]])
        }
    }

    @Test func stream_deliversEventsCommittedWhileItWaits() async throws {
        try await withStack { stack in
            try await stack.registerNoteType()
            let latest = try await stack.send("GET", "/changes?limit=1000", token: stack.ownerToken).json["nextSince"]!.int64Value!
            let live = Task { try await streamText(stack, token: stack.ownerToken, headers: [("Last-Event-ID", "\(latest)")], events: 1) }
            let created = try await stack.send("POST", "/records", token: stack.ownerToken, json: ["type": "note", "content": ["title": "live"]])
            let text = try await live.value.text
            #expect(eventData(text).map { $0["recordId"] } == [created.json["id"]])
            #expect(eventData(text).first?["operation"] == "create")
        }
    }

    /// Over a real socket: headers at once, chunked `text/event-stream`, events as they commit.
    @Test func stream_overTheServer_isChunkedEventStream() async throws {
        try await withStack(overSocket: true) { stack in
            try await stack.registerNoteType()
            let created = try await stack.send("POST", "/records", token: stack.ownerToken, json: ["type": "note", "content": ["title": "wire"]])
            let id = try #require(created.json["id"]?.stringValue)
            let head = "GET /changes/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(stack.ownerToken)\r\n\r\n"
            let raw = try await SocketClient.exchange(port: stack.port, request: Array(head.utf8), stopAt: Array("\"recordId\":\"\(id)\"".utf8))
            let text = String(decoding: raw, as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 200"))
            #expect(text.lowercased().contains("content-type: text/event-stream"))
            #expect(text.lowercased().contains("transfer-encoding: chunked"))
            #expect(text.contains("event: change\ndata: {"))
        }
    }

    /// A quiet stream sends comment lines (here with a short interval; the server uses 10 s).
    @Test func stream_sendsKeepAliveCommentsWhenQuiet() async throws {
        try await withStack { stack in
            let latest = stack.store.latestChangeSeq
            let collected = Mutex<String>("")
            do {
                try await ChangeRoutes.streamEvents(store: stack.store, principal: nil, after: latest, keepAlive: .milliseconds(20)) { bytes in
                    let text = collected.withLock { $0 += String(decoding: bytes, as: UTF8.self); return $0 }
                    if text.contains(": keep-alive\n\n") { throw StopStream() }
                }
            } catch is StopStream {}
            let text = collected.withLock { $0 }
            #expect(text.hasPrefix(": changes after \(latest)\n\n"))
            #expect(!text.contains("event: change"))
        }
    }

    /// A shutdown ends an open stream (cleanly: the handler returns) within the stop check,
    /// instead of holding the server's grace period.
    @Test func stream_endsWhenTheServerStops() async throws {
        try await withStack { stack in
            let stopping = Atomic<Bool>(false)
            let started = ContinuousClock.now
            try await ChangeRoutes.streamEvents(
                store: stack.store, principal: nil, after: stack.store.latestChangeSeq, keepAlive: .seconds(10),
                stopCheck: .milliseconds(20), stopping: { stopping.load(ordering: .relaxed) }
            ) { _ in stopping.store(true, ordering: .relaxed) }
            #expect(ContinuousClock.now - started < .seconds(5))
        }
    }

    /// A store closed while the stream waits ends it with an error, without spinning.
    @Test func stream_waitingWhenTheStoreCloses_ends() async throws {
        try await withStack { stack in
            let started = ContinuousClock.now
            let streaming = Task {
                try await ChangeRoutes.streamEvents(
                    store: stack.store, principal: nil, after: stack.store.latestChangeSeq, keepAlive: .seconds(10),
                    stopCheck: .milliseconds(200)) { _ in }
            }
            try await Task.sleep(for: .milliseconds(300))
            await stack.store.close()
            await #expect(throws: (any Error).self) { try await streaming.value }
            #expect(ContinuousClock.now - started < .seconds(5))
        }
    }

    /// A closed store ends the stream with an error instead of spinning.
    @Test func stream_endsWhenTheStoreCloses() async throws {
        try await withStack { stack in
            await stack.store.close()
            await #expect(throws: (any Error).self) {
                try await ChangeRoutes.streamEvents(store: stack.store, principal: nil, after: 0, keepAlive: .milliseconds(20)) { _ in }
            }
        }
    }
}
