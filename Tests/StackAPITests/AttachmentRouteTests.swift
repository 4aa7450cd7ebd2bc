import Foundation
import StackJSON
import Testing

@testable import StackAPI

@Suite struct AttachmentRouteTests {
    @Test func upload_download_ranges_conditionals_andDelete() async throws {
        try await withStack { stack in
            let bytes = Array("0123456789".utf8)
            let uploaded = try await stack.send(
                "POST", "/attachments", token: stack.ownerToken, body: bytes, headers: [("Content-Type", "text/plain")])
            #expect(uploaded.status == 201)
            let fileId = try #require(uploaded.json["fileId"]?.stringValue)
            #expect(uploaded.json["size"] == 10)
            #expect(uploaded.json["sha256"] == "84d89877f0d4041efb6bf91a16f0248f2fd573e6af05c19f96bedb9f882f7882")
            #expect(uploaded.json["contentType"] == "text/plain")
            #expect(uploaded.header("Location") == "/attachments/\(fileId)")

            let whole = try await stack.send("GET", "/attachments/\(fileId)", token: stack.ownerToken)
            #expect(whole.status == 200)
            #expect(whole.body == bytes)
            #expect(whole.header("Content-Type") == "text/plain")
            #expect(whole.header("Content-Security-Policy") == "sandbox")
            #expect(whole.header("Accept-Ranges") == "bytes")
            let etag = try #require(whole.header("ETag"))
            #expect(etag == "\"84d89877f0d4041efb6bf91a16f0248f2fd573e6af05c19f96bedb9f882f7882\"")

            let part = try await stack.send("GET", "/attachments/\(fileId)", token: stack.ownerToken, headers: [("Range", "bytes=2-4")])
            #expect(part.status == 206)
            #expect(part.body == Array("234".utf8))
            #expect(part.header("Content-Range") == "bytes 2-4/10")
            let suffix = try await stack.send("GET", "/attachments/\(fileId)", token: stack.ownerToken, headers: [("Range", "bytes=-3")])
            #expect(suffix.body == Array("789".utf8))
            let beyond = try await stack.send("GET", "/attachments/\(fileId)", token: stack.ownerToken, headers: [("Range", "bytes=10-")])
            #expect(beyond.status == 416)
            #expect(beyond.header("Content-Range") == "bytes */10")
            let cached = try await stack.send("GET", "/attachments/\(fileId)", token: stack.ownerToken, headers: [("If-None-Match", etag)])
            #expect(cached.status == 304)

            #expect(try await stack.send("GET", "/attachments/\(fileId)").status == 404)
            let bob = try await stack.makeEntity("bob")
            #expect(try await stack.send("DELETE", "/attachments/\(fileId)", token: bob.token).status == 404)
            #expect(try await stack.send("DELETE", "/attachments/\(fileId)", token: stack.ownerToken).status == 204)
            #expect(try await stack.send("GET", "/attachments/\(fileId)", token: stack.ownerToken).status == 404)
        }
    }

    /// With the uploads' `tmp/` gone, `/health` says the blobs are not writable, and an upload is
    /// 503 (retry later), naming no file path.
    @Test func uploads_whenTheBlobFolderIsUnavailable_are503() async throws {
        try await withStack { stack in
            try FileManager.default.removeItem(atPath: stack.directory + "/tmp")
            let health = try await stack.send("GET", "/health")
            #expect(health.status == 503 && health.json["checks"]?["blobs"] == "not writable")
            let upload = try await stack.send("POST", "/attachments", token: stack.ownerToken, body: Array("abc".utf8))
            #expect(upload.status == 503 && upload.header("Retry-After") != nil)
            #expect(!upload.text.contains(stack.directory) && !upload.text.contains("/tmp"))
            #expect(stack.logLines.all.contains { $0.hasPrefix("blob folder unavailable:") })
        }
    }

    @Test func uploads_overTheLimit_are413_andEntitiesNeedACreateGrant() async throws {
        try await withStack(configuration: AppConfiguration(maxAttachmentBytes: 8)) { stack in
            let tooBig = try await stack.send("POST", "/attachments", token: stack.ownerToken, body: Array(repeating: 1, count: 9))
            #expect(tooBig.status == 413)
            let fits = try await stack.send("POST", "/attachments", token: stack.ownerToken, body: [1, 2, 3])
            #expect(fits.status == 201)
            #expect(fits.json["contentType"] == "application/octet-stream")
            let noGrants = try await stack.makeEntity("reader")
            #expect(try await stack.send("POST", "/attachments", token: noGrants.token, body: [1]).status == 403)
            let writer = try await stack.makeEntity("writer", create: ["note"])
            #expect(try await stack.send("POST", "/attachments", token: writer.token, body: [1]).status == 201)
            #expect(try await stack.send("POST", "/attachments", body: [1]).status == 401)
        }
    }
}
