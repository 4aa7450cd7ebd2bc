import Testing

@testable import StackAPI

@Suite struct RouterTests {
    private let router = Router([
        Route("GET", "/records", access: .optional) { _ in .noContent },
        Route("POST", "/records", access: .authenticated) { _ in .noContent },
        Route("GET", "/records/:id", access: .optional) { _ in .noContent },
        Route("POST", "/records/query", access: .optional) { _ in .noContent },
        Route("GET", "/records/:id/versions/:version", access: .optional) { _ in .noContent },
    ])

    @Test func parametersAreCaptured_andLiteralSegmentsWin() throws {
        guard case .found(let route, let parameters) = router.match(method: "GET", path: ["records", "abc", "versions", "2"]) else {
            Issue.record("no match")
            return
        }
        #expect(route.pattern == "/records/:id/versions/:version")
        #expect(parameters == ["id": "abc", "version": "2"])
        guard case .found(let query, _) = router.match(method: "POST", path: ["records", "query"]) else {
            Issue.record("no match")
            return
        }
        #expect(query.pattern == "/records/query")
        // `/records/query` is the query resource for every method, never the record `query`.
        for method in ["GET", "HEAD", "PATCH", "DELETE"] {
            guard case .methodNotAllowed(let allowed) = router.match(method: method, path: ["records", "query"]) else {
                Issue.record("\(method) /records/query: expected 405")
                continue
            }
            #expect(allowed == ["POST", "OPTIONS"])
        }
        guard case .found(let record, let id) = router.match(method: "GET", path: ["records", "queries"]) else {
            Issue.record("no match")
            return
        }
        #expect(record.pattern == "/records/:id" && id == ["id": "queries"])
    }

    @Test func headFollowsGet_andWrongMethodsListWhatIsAllowed() {
        guard case .found(let route, _) = router.match(method: "HEAD", path: ["records"]) else {
            Issue.record("HEAD did not match GET")
            return
        }
        #expect(route.method == "GET")
        guard case .methodNotAllowed(let allowed) = router.match(method: "DELETE", path: ["records"]) else {
            Issue.record("expected 405")
            return
        }
        #expect(allowed == ["GET", "HEAD", "POST", "OPTIONS"])
        guard case .notFound = router.match(method: "GET", path: ["nothing"]) else {
            Issue.record("expected 404")
            return
        }
    }

    @Test func pathsAreSplitAndDecoded_strictly() {
        #expect(Router.segments(of: "/records/a%20b") == ["records", "a b"])
        #expect(Router.segments(of: "/") == [])
        #expect(Router.segments(of: "/records/") == nil)
        #expect(Router.segments(of: "//records") == nil)
        #expect(Router.segments(of: "records") == nil)
        #expect(Router.segments(of: "/records/%zz") == nil)
        #expect(Router.segments(of: "/records/%+f") == nil)
        #expect(Route("GET", "/records/:id/versions/:version", access: .optional) { _ in .noContent }.openAPIPath
            == "/records/{id}/versions/{version}")
    }
}
