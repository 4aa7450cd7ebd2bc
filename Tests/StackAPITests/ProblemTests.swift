import StackJSON
import Testing

@testable import StackAPI

@Suite struct ProblemTests {
    @Test func problemBody_hasTheRFC9457Members_andProblemContentType() throws {
        let response = Problem.unprocessable(
            "The content does not match the type.", errors: [.init(path: "/content/title", message: "must be a string")]
        ).response
        #expect(response.status == 422)
        #expect(response.header("content-type") == "application/problem+json")
        let body = try JSONParser.parse(response.body)
        #expect(body["type"] == "urn:stack:problem:unprocessable")
        #expect(body["title"] == "Unprocessable Content")
        #expect(body["status"] == 422)
        #expect(body["detail"] == "The content does not match the type.")
        #expect(body["errors"] == [["path": "/content/title", "message": "must be a string"]])
    }

    @Test func problemWithoutValidationErrors_hasNoErrorsMember() throws {
        let body = try JSONParser.parse(Problem.forbidden("Read-only.").response.body)
        #expect(body["errors"] == nil)
        #expect(body["instance"] == nil)
    }

    @Test func notFound_isTheSameForEveryCauseApartFromThePath() throws {
        let absent = try JSONParser.parse(Problem.notFound(path: "/records/a").response.body)
        let hidden = try JSONParser.parse(Problem.notFound(path: "/records/b").response.body)
        #expect(absent["type"] == hidden["type"])
        #expect(absent["title"] == hidden["title"])
        #expect(absent["status"] == 404)
        #expect(absent["instance"] == "/records/a")
        #expect(absent["detail"]?.stringValue?.replacingPath("/records/a") == hidden["detail"]?.stringValue?.replacingPath("/records/b"))
    }

    @Test func unauthorized_carriesABearerChallenge() {
        #expect(Problem.unauthorized(invalidToken: false).response.header("WWW-Authenticate") == "Bearer realm=\"stack\"")
        let invalid = Problem.unauthorized(invalidToken: true).response
        #expect(invalid.status == 401)
        #expect(invalid.header("www-authenticate") == "Bearer realm=\"stack\", error=\"invalid_token\"")
    }

    @Test func methodNotAllowed_listsTheAllowedMethods() {
        let response = Problem.methodNotAllowed("PUT", allowed: ["GET", "HEAD", "POST"]).response
        #expect(response.status == 405)
        #expect(response.header("Allow") == "GET, HEAD, POST")
    }

    @Test func tooManyRequests_carriesRetryAfterAndRateLimitHeaders() {
        let decision = RateLimitDecision(isAllowed: false, limit: 600, remaining: 0, resetSeconds: 60, retryAfterSeconds: 1)
        let response = Problem.tooManyRequests(decision).response
        #expect(response.status == 429)
        #expect(response.header("Retry-After") == "1")
        #expect(response.header("RateLimit-Limit") == "600")
        #expect(response.header("RateLimit-Remaining") == "0")
        #expect(response.header("RateLimit-Reset") == "60")
    }

    @Test func rangeNotSatisfiable_namesTheSize() {
        #expect(Problem.rangeNotSatisfiable(size: 10).response.header("Content-Range") == "bytes */10")
    }

    @Test func internalError_revealsNothing() throws {
        let body = try JSONParser.parse(Problem.internalError.response.body)
        #expect(body["status"] == 500)
        #expect(body["detail"] == "The server could not complete the request.")
    }

    @Test func malformedJSON_saysWhereTheBodyBroke() throws {
        do {
            _ = try JSONParser.parse("{\"a\": }")
            Issue.record("the parser accepted broken JSON")
        } catch {
            let problem = Problem.malformedJSON(error)
            #expect(problem.status == 400)
            #expect(problem.detail.contains("byte"))
        }
    }
}

extension String {
    fileprivate func replacingPath(_ path: String) -> String {
        guard let range = range(of: path) else { return self }
        return replacingCharacters(in: range, with: "<path>")
    }
}
