import StackJSON
import Testing

@testable import StackAPI

@Suite struct DiscoveryTests {
    @Test func wellKnown_hasTheShapeOfSPEC3_withRealLimits() {
        let document = WellKnownDocument(
            version: "0.1.0", ownerEntityId: "owner1", maxJsonBytes: 1_048_576, maxAttachmentBytes: 104_857_600,
            rateLimitPerMinute: 600
        ).json
        #expect(document["stack"] == ["name": "stack", "version": "0.1.0", "apiVersion": 1])
        #expect(document["owner"] == "owner1")
        #expect(document["endpoints"]?["records"] == "/records")
        #expect(document["endpoints"]?["tokens"] == "/tokens")
        #expect(document["limits"] == ["maxJsonBytes": 1_048_576, "maxAttachmentBytes": 104_857_600, "maxPageSize": 1000, "rateLimitPerMinute": 600])
        #expect(document["auth"] == ["schemes": ["bearer"]])
        let capabilities = document["capabilities"]?.arrayValue?.compactMap(\.stringValue) ?? []
        for name in ["records", "types", "attachments", "associations", "versions", "permissions"] {
            #expect(capabilities.contains(name))
        }
        #expect(capabilities.contains("query"))
        #expect(capabilities.contains("changes"))
        #expect(document["endpoints"]?["changes"] == "/changes")
    }

    @Test func cors_preflightAllowsTheSpecHeaders_andExposesTheSpecHeaders() {
        let response = CORS.preflight(methods: ["GET", "HEAD", "POST"])
        #expect(response.status == 204)
        #expect(response.header("Access-Control-Allow-Origin") == "*")
        #expect(response.header("Access-Control-Allow-Methods") == "GET, HEAD, POST, OPTIONS")
        let allowed = response.header("Access-Control-Allow-Headers") ?? ""
        for name in ["Authorization", "Content-Type", "If-Match", "If-None-Match", "Idempotency-Key", "Range"] {
            #expect(allowed.contains(name))
        }
        let exposed = response.header("Access-Control-Expose-Headers") ?? ""
        for name in ["ETag", "Location", "Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"] {
            #expect(exposed.contains(name))
        }
        #expect(CORS.responseHeaders(origin: nil).isEmpty)
        #expect(CORS.responseHeaders(origin: "https://app.example").first?.value == "*")
    }

    @Test func accessLog_hasNoQueryStringAndNoControlCharacters() {
        let line = AccessLog.line(
            timeMilliseconds: 0, method: "GET", target: "/records?q=secret", status: 200, durationSeconds: 0.0012,
            bytes: 512, entityId: "e1")
        #expect(line == "1970-01-01T00:00:00.000Z GET /records 200 1.2ms 512B entity=e1")
        let hostile = AccessLog.line(
            timeMilliseconds: 0, method: "GET", target: "/a\nb", status: 404, durationSeconds: 0, bytes: 0, entityId: nil)
        #expect(!hostile.contains("\n"))
        #expect(hostile.hasSuffix("entity=-"))
    }
}
