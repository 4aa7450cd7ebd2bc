import StackJSON
import StackStore

/// `/types` (SPEC §3 Types).
enum TypeRoutes {
    static var routes: [Route] {
        [
            Route("GET", "/types", access: .anonymous, query: ["limit", "cursor"]) { context in
                let limit = try ParameterValidation.limit(context.query.value("limit"))
                let cursor = try ParameterValidation.nonEmpty("cursor", context.query.value("cursor"))
                let all = try await context.store.listTypes().sorted { $0.id < $1.id }
                let page = try ListBody.page(all, id: \.id, limit: limit, cursor: cursor)
                return APIResponse(json: ListBody.json(page.items.map(\.json), nextCursor: page.nextCursor))
            },
            Route("GET", "/types/:id", access: .anonymous) { context in
                return APIResponse(json: try await context.store.type(context.parameter("id")).json)
            },
            Route("POST", "/types", access: .owner, creates: true) { context in
                let body = try BodyFields(
                    await context.jsonObjectBody(), allowed: ["id", "name", "description", "schema", "indexes"])
                let id = try body.string("id", required: true)!
                let schema = try body.schemaMember("schema", required: true)!
                let stamp = context.idempotency?.stamp(TypeRoutes.created)
                let type = try await context.store.registerType(
                    NewType(
                        id: id, name: body.string("name"), description: body.string("description"), schema: schema,
                        indexes: body.strings("indexes") ?? []),
                    as: context.principal, idempotency: stamp)
                return TypeRoutes.created(type)
            },
        ]
    }

    @Sendable static func created(_ type: TypeDefinition) -> APIResponse {
        var response = APIResponse(status: 201, json: type.json)
        response.headers.append(("Location", "/types/" + PathEscaping.escape(type.id)))
        return response
    }
}
