import StackJSON
import Testing

@testable import StackAPI

@Suite struct DiscoveryRouteTests {
    @Test func wellKnown_reportsTheRealOwnerAndLimits() async throws {
        try await withStack(configuration: AppConfiguration(maxJSONBytes: 2048, rateLimitPerMinute: 42)) { stack in
            let document = try await stack.send("GET", "/.well-known/stack")
            #expect(document.status == 200)
            #expect(document.json["owner"] == .string(stack.store.ownerEntityId))
            #expect(document.json["limits"]?["maxJsonBytes"] == 2048)
            #expect(document.json["limits"]?["rateLimitPerMinute"] == 42)
            #expect(document.json["stack"]?["apiVersion"] == 1)
            // Every advertised endpoint exists (`/attachments` is upload-only: 405 to GET).
            for (_, path) in document.json["endpoints"]?.objectValue ?? [:] {
                let response = try await stack.send("GET", path.stringValue ?? "", token: stack.ownerToken)
                #expect(response.status == (path == "/attachments" ? 405 : 200), "\(path)")
            }
        }
    }

    @Test func health_isOK_andOpenAPIIsServedAsIs() async throws {
        try await withStack { stack in
            let health = try await stack.send("GET", "/health")
            #expect(health.status == 200)
            #expect(health.json == ["status": "ok"])
            let document = try await stack.send("GET", "/openapi.json")
            #expect(document.status == 200)
            #expect(document.header("Content-Type") == "application/json")
            #expect(document.body == OpenAPIDocument.bytes)
        }
    }

    @Test func shuttingDown_answers503() async throws {
        try await withStack { stack in
            stack.app.beginShutdown()
            let response = try await stack.send("GET", "/health")
            #expect(response.status == 503)
            #expect(response.header("Retry-After") != nil)
        }
    }

    @Test func queryPath_isTheQueryEndpoint_neverARecordId() async throws {
        try await withStack { stack in
            let response = try await stack.send("POST", "/records/query", token: stack.ownerToken, json: ["where": [:]])
            #expect(response.status == 200)
            #expect(response.json["results"]?.arrayValue != nil)
            // The path is the query resource for every method: 405, with what it allows.
            let get = try await stack.send("GET", "/records/query", token: stack.ownerToken)
            #expect(get.status == 405 && get.header("Allow") == "POST, OPTIONS")
            let patch = try await stack.send("PATCH", "/records/query", token: stack.ownerToken, json: [:])
            #expect(patch.status == 405 && patch.header("Allow") == "POST, OPTIONS")
            let preflight = try await stack.send(
                "OPTIONS", "/records/query", headers: [("Origin", "https://app.example"), ("Access-Control-Request-Method", "POST")])
            #expect(preflight.header("Access-Control-Allow-Methods")?.contains("POST") == true)
        }
    }

    /// Issue 6 item 4: every route the router knows is documented, and every documented route
    /// exists, and the `query` and `changes` capabilities they belong to are advertised.
    @Test func openAPIDocument_andRouter_agree() async throws {
        try await withStack { stack in
            let document = try JSONParser.parse(OpenAPIDocument.bytes)
            var documented = Set<String>()
            for (path, item) in document["paths"]?.objectValue ?? [:] {
                for method in ["get", "put", "post", "delete", "patch"] where item[method] != nil {
                    documented.insert("\(method.uppercased()) \(path)")
                }
            }
            let served = Set(stack.app.router.routes.map { "\($0.method) \($0.openAPIPath)" })
            #expect(served.subtracting(documented).isEmpty, "undocumented: \(served.subtracting(documented).sorted())")
            #expect(documented.subtracting(served).isEmpty, "not served: \(documented.subtracting(served).sorted())")
            let capabilities = WellKnownDocument.capabilitiesServed.map(\.name)
            #expect(capabilities.contains("query") && capabilities.contains("changes"))
            // Every route reads exactly the query parameters the document lists.
            func resolve(_ parameter: JSON) -> JSON {
                guard let reference = parameter["$ref"]?.stringValue, let pointer = JSONPointer(String(reference.dropFirst())) else {
                    return parameter
                }
                return pointer.resolve(in: document) ?? .null
            }
            for route in stack.app.router.routes {
                let item = document["paths"]?[route.openAPIPath]
                let parameters = (item?["parameters"]?.arrayValue ?? []) + (item?[route.method.lowercased()]?["parameters"]?.arrayValue ?? [])
                let queryNames = Set(parameters.map(resolve).filter { $0["in"] == "query" }.compactMap { $0["name"]?.stringValue })
                #expect(queryNames == route.queryParameters, "\(route.method) \(route.pattern)")
            }
            // Every route's access matches the document's security requirement.
            for route in stack.app.router.routes {
                let operation = document["paths"]?[route.openAPIPath]?[route.method.lowercased()]
                let security = operation?["security"]?.arrayValue ?? []
                let allowsAnonymous = security.contains(.object([:]))
                switch route.access {
                case .anonymous, .optional: #expect(allowsAnonymous, "\(route.method) \(route.pattern)")
                case .authenticated, .owner: #expect(!allowsAnonymous, "\(route.method) \(route.pattern)")
                }
            }
        }
    }
}
