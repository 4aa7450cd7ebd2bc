import StackJSON
import StackStore
import Testing

@testable import StackAPI

@Suite struct ProblemStoreErrorTests {
    @Test func everyStoreError_mapsToItsSpecStatus() {
        let cases: [(StoreError, Int)] = [
            (.notFound("record x"), 404), (.unauthorized, 401), (.forbidden("no"), 403), (.conflict("taken"), 409),
            (.preconditionFailed(currentVersion: 3), 412), (.invalidContent([]), 422), (.unknownType("t"), 422),
            (.invalidGrant(index: 1, message: "bad"), 422), (.invalidRequest("bad id"), 400), (.invalidSchema("bad"), 400),
            (.idempotencyKeyReused, 422), (.payloadTooLarge(limit: 10), 413), (.rangeNotSatisfiable(size: 5), 416),
            (.storage("disk I/O error at /var/lib/stack/stack.db"), 500), (.unavailable, 503),
            (.filesUnavailable("open /var/lib/stack/tmp/upload.tmp failed: errno 2"), 503),
        ]
        for (error, status) in cases {
            #expect(Problem.from(error, path: "/records/x").status == status, "\(error)")
        }
    }

    @Test func storageErrors_areLoggedButNeverShownToClients() throws {
        let logged = LogLines()
        let problem = Problem.from(.storage("disk I/O error at /var/lib/stack/stack.db"), path: "/records", log: { logged.append($0) })
        let body = try JSONParser.parse(problem.response.body).serializedString()
        #expect(!body.contains("/var/lib"))
        #expect(!body.contains("disk"))
        #expect(logged.all.first?.contains("disk I/O error") == true)
    }

    @Test func validationErrors_pointIntoTheRequestBody() {
        let error = StoreError.invalidContent([
            ValidationError(instancePath: JSONPointer(tokens: ["title"]), keywordPath: JSONPointer(tokens: ["type"]), message: "expected a string")
        ])
        #expect(Problem.from(error, path: "/records").errors == [.init(path: "/content/title", message: "expected a string")])
        #expect(Problem.from(error, path: "/records/a", contentPointer: "").errors.first?.path == "/title")
        #expect(Problem.from(.invalidGrant(index: 2, message: "bad"), path: "/records").errors.first?.path == "/permissions/2")
    }

    @Test func preconditionFailed_carriesTheCurrentETag() {
        #expect(Problem.from(.preconditionFailed(currentVersion: 7), path: "/records/a").response.header("ETag") == "\"7\"")
    }

    @Test func unreadableTarget_is422_notAnIndistinguishable404() {
        let problem = Problem.from(.notFound("target record abc"), path: "/records/a/associations")
        #expect(problem.status == 422)
        #expect(problem.errors.first?.path == "/targetId")
    }
}
