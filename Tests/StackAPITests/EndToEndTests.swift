import StackJSON
import Testing

@testable import StackAPI

/// Over a real socket: what only the wire shows (framing, HEAD, limits answered by the server).
@Suite struct EndToEndTests {
    @Test func walkThrough_typeRecordShareAttachmentVersion() async throws {
        try await withStack(overSocket: true) { stack in
            try await stack.registerNoteType()
            let note = try await stack.send("POST", "/records", token: stack.ownerToken, json: ["type": "note", "content": ["title": "Milk"]])
            #expect(note.status == 201)
            let id = try #require(note.json["id"]?.stringValue)
            let bob = try await stack.send("POST", "/tokens", token: stack.ownerToken, json: ["name": "Bob", "grants": ["create": ["note"]]])
            let bobToken = try #require(bob.json["token"]?.stringValue)
            let bobId = try #require(bob.json["entityId"]?.stringValue)
            #expect(try await stack.send("GET", "/records/\(id)", token: bobToken).status == 404)
            let share = try await stack.send(
                "PUT", "/records/\(id)/permissions", token: stack.ownerToken,
                json: ["permissions": [["access": "entity", "entityId": .string(bobId), "read": true, "write": false]]])
            #expect(share.status == 200)
            #expect(try await stack.send("GET", "/records/\(id)", token: bobToken).status == 200)
            #expect(try await stack.send("PATCH", "/records/\(id)", token: bobToken, json: ["title": "Oat"]).status == 403)

            let file = try await stack.send(
                "POST", "/attachments", token: stack.ownerToken, body: Array("two litres".utf8), headers: [("Content-Type", "text/plain")])
            let fileId = try #require(file.json["fileId"]?.stringValue)
            #expect(try await stack.send("GET", "/attachments/\(fileId)", token: bobToken).status == 404)
            _ = try await stack.send("PATCH", "/records/\(id)", token: stack.ownerToken, json: ["file": .string(fileId)])
            let download = try await stack.send("GET", "/attachments/\(fileId)", token: bobToken)
            #expect(download.status == 200)
            #expect(download.text == "two litres")
            #expect(download.header("Content-Length") == "10")
            let version = try await stack.send("GET", "/records/\(id)/versions/1", token: bobToken)
            #expect(version.json["content"] == ["title": "Milk"])
        }
    }

    @Test func everyResponse_carriesNosniff_andHeadHasNoBody() async throws {
        try await withStack(overSocket: true) { stack in
            for (method, target) in [("GET", "/health"), ("GET", "/nowhere"), ("DELETE", "/types"), ("OPTIONS", "/records")] {
                let response = try await stack.send(method, target)
                #expect(response.header("X-Content-Type-Options") == "nosniff", "\(method) \(target)")
            }
            let get = try await stack.send("GET", "/openapi.json")
            let head = try await stack.send("HEAD", "/openapi.json")
            #expect(head.status == 200)
            #expect(head.body.isEmpty)
            #expect(head.header("Content-Length") == get.header("Content-Length"))
            #expect(get.body == OpenAPIDocument.bytes)
        }
    }

    @Test func attachmentRanges_overSendfile() async throws {
        try await withStack(overSocket: true) { stack in
            let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            let uploaded = try await stack.send("POST", "/attachments", token: stack.ownerToken, body: bytes)
            let fileId = try #require(uploaded.json["fileId"]?.stringValue)
            let whole = try await stack.send("GET", "/attachments/\(fileId)", token: stack.ownerToken)
            #expect(whole.body == bytes)
            let part = try await stack.send("GET", "/attachments/\(fileId)", token: stack.ownerToken, headers: [("Range", "bytes=99990-")])
            #expect(part.status == 206)
            #expect(part.body == Array(bytes[99990...]))
            #expect(part.header("Content-Range") == "bytes 99990-99999/100000")
            let bad = try await stack.send("GET", "/attachments/\(fileId)", token: stack.ownerToken, headers: [("Range", "bytes=100000-")])
            #expect(bad.status == 416)
        }
    }

    /// SPEC §6: one access-log line per request, with the status sent: a head the server refused
    /// itself, and a body whose framing is malformed, are logged as what went on the wire.
    @Test func accessLog_saysWhatWasSent_forRefusedRequests() async throws {
        try await withStack(overSocket: true) { stack in
            let refused = try await SocketClient.exchange(port: stack.port, request: Array("GET / HTTP/1.1\r\nHost: a b\r\n\r\n".utf8))
            #expect(String(decoding: refused, as: UTF8.self).hasPrefix("HTTP/1.1 400"))
            let chunked = Array(
                ("POST /records/query HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(stack.ownerToken)\r\n"
                    + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n").utf8)
            let badBody = try await SocketClient.exchange(port: stack.port, request: chunked)
            #expect(String(decoding: badBody, as: UTF8.self).hasPrefix("HTTP/1.1 400"))
            try await Task.sleep(for: .milliseconds(200))
            let lines = stack.logLines.all
            #expect(lines.contains { $0.contains(" - - 400 ") }, "\(lines)")
            #expect(lines.contains { $0.contains(" POST /records/query 400 ") }, "\(lines)")
            #expect(!lines.contains { $0.contains(" 500 ") || $0.hasPrefix("error:") }, "\(lines)")
            #expect(!lines.contains { $0.contains(stack.ownerToken) })
        }
    }

    @Test func oversizedBodies_areRefusedFromContentLength() async throws {
        try await withStack(configuration: AppConfiguration(maxJSONBytes: 64, maxAttachmentBytes: 128), overSocket: true) { stack in
            let big: JSON = ["type": "note", "content": ["title": .string(String(repeating: "x", count: 100))]]
            let json = try await stack.send("POST", "/records", token: stack.ownerToken, json: big)
            #expect(json.status == 413)
            #expect(json.header("Content-Type") == "application/problem+json")
            let upload = try await stack.send("POST", "/attachments", token: stack.ownerToken, body: [UInt8](repeating: 1, count: 129))
            #expect(upload.status == 413)
        }
    }

    @Test func hugeHeaders_are431() async throws {
        try await withStack(overSocket: true) { stack in
            let response = try await stack.send("GET", "/health", headers: [("X-Padding", String(repeating: "a", count: 20_000))])
            #expect(response.status == 431)
            #expect(response.header("Content-Type") == "application/problem+json")
            #expect(response.header("X-Content-Type-Options") == "nosniff")
        }
    }

    @Test func malformedRequests_getProblemJSON_fromTheServerLayer() async throws {
        try await withStack(overSocket: true) { stack in
            // Content-Length and Transfer-Encoding together: refused before any route (RFC 9112 §6.1).
            let response = try await stack.send(
                "POST", "/records", headers: [("Content-Length", "3"), ("Transfer-Encoding", "chunked")])
            #expect(response.status == 400)
            #expect(response.header("Content-Type") == "application/problem+json")
            #expect(response.header("X-Content-Type-Options") == "nosniff")
        }
    }

    @Test func corsPreflight_overTheWire() async throws {
        try await withStack(overSocket: true) { stack in
            let preflight = try await stack.send(
                "OPTIONS", "/records",
                headers: [("Origin", "https://app.example"), ("Access-Control-Request-Method", "POST"),
                          ("Access-Control-Request-Headers", "authorization, content-type, idempotency-key")])
            #expect(preflight.status == 204)
            #expect(preflight.header("Access-Control-Allow-Origin") == "*")
            #expect(preflight.header("Access-Control-Allow-Methods")?.contains("POST") == true)
        }
    }
}
