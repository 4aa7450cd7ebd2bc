import StackJSON
import Testing

@testable import StackAPI

@Suite struct OpenAPIDocumentTests {
    private let document = try! JSONParser.parse(OpenAPIDocument.bytes)

    /// Every endpoint of SPEC §3, as `METHOD path`.
    static let specRoutes: Set<String> = [
        "GET /.well-known/stack", "GET /health", "GET /openapi.json",
        "GET /records", "POST /records", "POST /records/query",
        "GET /records/{id}", "PATCH /records/{id}", "DELETE /records/{id}",
        "GET /records/{id}/permissions", "PUT /records/{id}/permissions",
        "GET /records/{id}/associations", "POST /records/{id}/associations", "DELETE /records/{id}/associations",
        "GET /records/{id}/versions", "GET /records/{id}/versions/{version}", "POST /records/{id}/restore/{version}",
        "GET /types", "GET /types/{id}", "POST /types",
        "POST /attachments", "GET /attachments/{fileId}", "DELETE /attachments/{fileId}",
        "GET /entity", "PATCH /entity", "GET /tokens", "POST /tokens", "DELETE /tokens/{id}",
        "GET /changes", "GET /changes/stream",
    ]

    /// Statuses and media types the server does answer with, which a review found missing.
    @Test func statusesAndMediaTypesAsServed() {
        func responses(_ path: String, _ method: String) -> Set<String> {
            Set(document["paths"]?[path]?[method]?["responses"]?.objectValue?.keys ?? [])
        }
        for path in ["/.well-known/stack", "/health", "/openapi.json"] {
            #expect(responses(path, "get").isSuperset(of: ["400", "429"]), "\(path)")  // unknown parameters, rate limits
        }
        #expect(responses("/attachments", "post").contains("422"))  // a key reused with other bytes
        for path in ["/records/{id}", "/entity"] {
            let types = Set(document["paths"]?[path]?["patch"]?["requestBody"]?["content"]?.objectValue?.keys ?? [])
            #expect(types == ["application/json", "application/merge-patch+json"], "\(path)")
        }
    }

    private var documentedRoutes: Set<String> {
        var routes = Set<String>()
        for (path, item) in document["paths"]?.objectValue ?? [:] {
            for method in ["get", "put", "post", "delete", "patch"] where item[method] != nil {
                routes.insert("\(method.uppercased()) \(path)")
            }
        }
        return routes
    }

    @Test func isOpenAPI31_andDescribesExactlyTheSpecRoutes() {
        #expect(document["openapi"] == "3.1.0")
        #expect(documentedRoutes == Self.specRoutes)
    }

    @Test func everyOperationHasAnIdSecurityAndResponses_andErrorsAreProblems() {
        var operationIds = Set<String>()
        for (path, item) in document["paths"]?.objectValue ?? [:] {
            for method in ["get", "put", "post", "delete", "patch"] {
                guard let operation = item[method] else { continue }
                let id = operation["operationId"]?.stringValue ?? ""
                #expect(!id.isEmpty && operationIds.insert(id).inserted, "\(method) \(path)")
                #expect(operation["security"] != nil, "\(method) \(path)")
                let responses = operation["responses"]?.objectValue ?? [:]
                #expect(responses.keys.contains { $0.hasPrefix("2") }, "\(method) \(path) has no success")
                #expect(responses["401"] != nil, "\(method) \(path) lacks 401")
            }
        }
        #expect(document["components"]?["responses"]?["Unauthorized"]?["headers"]?["WWW-Authenticate"] != nil)
        #expect(document["components"]?["responses"]?["TooManyRequests"]?["headers"]?["Retry-After"] != nil)
        #expect(document["components"]?["securitySchemes"]?["bearerAuth"]?["scheme"] == "bearer")
    }

    @Test func everyReferenceResolves() {
        var references: [String] = []
        func collect(_ value: JSON) {
            switch value {
            case .object(let object):
                for (key, member) in object {
                    if key == "$ref", let text = member.stringValue { references.append(text) } else { collect(member) }
                }
            case .array(let items): items.forEach(collect)
            default: break
            }
        }
        collect(document)
        #expect(!references.isEmpty)
        for reference in references {
            #expect(reference.hasPrefix("#/"), "\(reference)")
            let pointer = JSONPointer(String(reference.dropFirst()))
            #expect(pointer?.resolve(in: document) != nil, "\(reference) does not resolve")
        }
    }

    @Test func schemasHaveTheSpecFields() {
        let schemas = document["components"]?["schemas"]
        func required(_ name: String) -> Set<String> {
            Set(schemas?[name]?["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        }
        #expect(required("Record") == ["id", "type", "content", "version", "createdAt", "updatedAt", "createdBy", "deletedAt"])
        #expect(required("Type") == ["id", "name", "description", "schema", "indexes", "builtIn", "createdAt"])
        #expect(required("Association") == ["sourceId", "relation", "targetId", "createdAt", "createdBy"])
        #expect(required("Token") == ["id", "name", "entityId", "grants", "expiresAt", "createdAt", "lastUsedAt"])
        #expect(required("Change") == ["seq", "recordId", "type", "version", "operation", "at"])
        #expect(required("Problem") == ["type", "title", "status", "detail"])
        #expect(required("RecordList") == ["results", "count", "nextCursor"])
        #expect(schemas?["ProblemError"]?["required"] == ["path", "message"])
    }
}
