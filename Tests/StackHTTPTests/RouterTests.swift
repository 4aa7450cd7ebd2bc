import Testing
import StackHTTP

struct UserContext: RequestContext {
    var parameters = Parameters()
    var user: String? = nil
    init() {}
}

/// Routing without sockets: the router answers `Request` values directly.
@Suite struct RouterTests {
    func get(_ router: Router<BasicRequestContext>, _ target: String, method: HTTPMethod = .GET) async throws -> (Int, String, Response) {
        let response = await router.respond(to: Request(method: method, target: target))
        return (response.status.code, String(decoding: try await response.body.collect(), as: UTF8.self), response)
    }

    @Test func literalSegment_beatsParameter_regardlessOfRegistrationOrder() async throws {
        var router = Router<BasicRequestContext>()
        router.on("/records/:id", method: .GET) { _, context in .text("id=\(context.parameters["id"] ?? "")") }
        router.on("/records/search", method: .GET) { _, _ in .text("search") }
        #expect(try await get(router, "/records/search").1 == "search")
        #expect(try await get(router, "/records/42").1 == "id=42")
    }

    @Test func parameters_arePercentDecoded_perSegment() async throws {
        var router = Router<BasicRequestContext>()
        router.on("/records/:id/versions/:version", method: .GET) { _, context in
            let version = try context.parameters.require("version", as: Int.self)
            return .text("\(context.parameters["id"]!)|\(version)")
        }
        #expect(try await get(router, "/records/a%20b%2Fc/versions/7").1 == "a b/c|7")
        #expect(try await get(router, "/records/x/versions/seven").0 == 400)
        #expect(try await get(router, "/records/%zz/versions/1").0 == 400)
    }

    @Test func backtracking_findsParameterRouteWhenLiteralBranchHasNoMatch() async throws {
        var router = Router<BasicRequestContext>()
        router.on("/a/b/c", method: .GET) { _, _ in .text("literal") }
        router.on("/a/:x/d", method: .GET) { _, context in .text("param \(context.parameters["x"]!)") }
        #expect(try await get(router, "/a/b/d").1 == "param b")
        #expect(try await get(router, "/a/b/c").1 == "literal")
    }

    @Test func queryString_isAMultimap() async throws {
        var router = Router<BasicRequestContext>()
        router.on("/q", method: .GET) { request, _ in
            .text(request.query.values(for: "tag").joined(separator: ",") + ";" + (request.query["name"] ?? "nil"))
        }
        #expect(try await get(router, "/q?tag=a&tag=b%20c&name=x+y&flag").1 == "a,b c;x y")
    }

    @Test func notFound_andMethodNotAllowed_withAllow() async throws {
        var router = Router<BasicRequestContext>()
        router.on("/r/:id", method: .GET) { _, _ in .text("get") }
        router.on("/r/:id", method: .DELETE) { _, _ in .text("delete") }
        #expect(try await get(router, "/nothing").0 == 404)
        #expect(try await get(router, "/r/1/extra").0 == 404)
        #expect(try await get(router, "/r/").0 == 404)
        let (status, _, response) = try await get(router, "/r/1", method: .PUT)
        #expect(status == 405)
        #expect(response.headers["Allow"] == "DELETE, GET, HEAD")
    }

    @Test func head_isServedByTheGetRoute() async throws {
        var router = Router<BasicRequestContext>()
        router.on("/x", method: .GET) { _, _ in .text("body") }
        #expect(try await get(router, "/x", method: .HEAD).0 == 200)
    }

    @Test func routes_areListedWithMethodAndPattern() {
        var router = Router<BasicRequestContext>()
        router.on("/records", method: .GET) { _, _ in .text("") }
        router.on("/records", method: .POST) { _, _ in .text("") }
        router.on("/records/:id", method: .GET) { _, _ in .text("") }
        router.on("/records", method: .GET) { _, _ in .text("replaced") }
        #expect(router.routes.map(\.description) == ["GET /records", "POST /records", "GET /records/:id"])
    }

    @Test func middleware_runsOutermostFirst_andCanChangeTheContext() async throws {
        var router = Router<UserContext>()
        router.use { request, context, next in
            var response = try await next(request, context)
            response.headers.append(name: "X-Order", value: "outer")
            return response
        }
        router.use { request, context, next in
            guard let user = request.headers["X-User"] else { throw HTTPError(.unauthorized) }
            var context = context
            context.user = user
            var response = try await next(request, context)
            response.headers.append(name: "X-Order", value: "inner")
            return response
        }
        router.on("/me", method: .GET) { _, context in .text(context.user ?? "nobody") }
        let ok = await router.respond(to: Request(method: .GET, target: "/me", headers: ["X-User": "ada"]))
        #expect(String(decoding: try await ok.body.collect(), as: UTF8.self) == "ada")
        #expect(ok.headers.values(for: "X-Order") == ["inner", "outer"])
        let denied = await router.respond(to: Request(method: .GET, target: "/me"))
        #expect(denied.status == .unauthorized)
        // Middleware also sees requests that match no route.
        let missing = await router.respond(to: Request(method: .GET, target: "/none", headers: ["X-User": "ada"]))
        #expect(missing.status == .notFound)
    }

    @Test func customHTTPResponseError_becomesItsResponse_andOtherErrorsA500() async throws {
        struct Teapot: HTTPResponseError {
            var status: HTTPStatus { HTTPStatus(code: 418, reasonPhrase: "I'm a teapot") }
        }
        struct Internal: Error { let secret = "password" }
        var router = Router<BasicRequestContext>()
        router.on("/tea", method: .GET) { _, _ in throw Teapot() }
        router.on("/boom", method: .GET) { _, _ in throw Internal() }
        #expect(try await get(router, "/tea").0 == 418)
        let (status, body, _) = try await get(router, "/boom")
        #expect(status == 500)
        #expect(!body.contains("password"))
    }
}

@Suite struct MessageTests {
    @Test func fields_areCaseInsensitive_andSettingReplacesAll() {
        var fields: HTTPFields = ["Accept": "a", "accept": "b", "Other": "c"]
        #expect(fields.values(for: "ACCEPT") == ["a", "b"])
        fields["accept"] = "z"
        #expect(fields.values(for: "Accept") == ["z"])
        #expect(fields.count == 2)
        fields["Other"] = nil
        #expect(!fields.contains("other"))
    }

    @Test func requestBody_collectUpTo_enforcesTheLimit() async throws {
        #expect(try await RequestBody(bytes: Array("abc".utf8)).collect(upTo: 3) == Array("abc".utf8))
        await #expect(throws: HTTPError(.contentTooLarge)) { try await RequestBody(bytes: Array("abcd".utf8)).collect(upTo: 3) }
    }
}
