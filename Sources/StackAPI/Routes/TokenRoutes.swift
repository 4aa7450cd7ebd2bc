import StackJSON
import StackStore

/// `/tokens` (SPEC §3, owner only).
enum TokenRoutes {
    static var routes: [Route] {
        [
            Route("GET", "/tokens", access: .owner, query: ["limit", "cursor"]) { context in
                let limit = try ParameterValidation.limit(context.query.value("limit"))
                let cursor = try ParameterValidation.nonEmpty("cursor", context.query.value("cursor"))
                let tokens = try await context.store.listTokens(as: context.principal).sorted { $0.id < $1.id }
                let page = try ListBody.page(tokens, id: \.id, limit: limit, cursor: cursor)
                return APIResponse(json: ListBody.json(page.items.map(\.json), nextCursor: page.nextCursor))
            },
            Route("POST", "/tokens", access: .owner, creates: true) { context in
                let body = try BodyFields(await context.jsonObjectBody(), allowed: ["name", "entityId", "grants", "expiresAt"])
                let name = try body.string("name", required: true)!
                var createGrants: [String] = []
                if let grants = try body.objectMember("grants") {
                    let inner = try BodyFields(grants, allowed: ["create"])
                    do {
                        createGrants = try inner.strings("create") ?? []
                    } catch {
                        throw Problem.badRequest(
                            "grants.create must be a list of type ids or \"*\".",
                            errors: [.init(path: "/grants/create", message: "expected an array of strings")])
                    }
                }
                var expiresAt: Timestamp?
                if let text = try body.string("expiresAt") {
                    guard let milliseconds = RFC3339.parse(text) else {
                        throw Problem.badRequest(
                            "expiresAt must be an RFC 3339 date-time.",
                            errors: [.init(path: "/expiresAt", message: "not an RFC 3339 date-time")])
                    }
                    expiresAt = Timestamp(milliseconds: milliseconds)
                }
                // An idempotent answer is stored without the secret (only its hash is stored); the
                // secret is kept in memory for a replay (`IdempotencyGate.withSecret`).
                let stamp = context.idempotency?.stamp { (created: CreatedToken) in
                    TokenRoutes.created(created, json: created.token.json)
                }
                let created = try await context.store.createToken(
                    NewToken(name: name, entityId: body.string("entityId"), createGrants: createGrants, expiresAt: expiresAt),
                    as: context.principal, idempotency: stamp)
                if let idempotency = context.idempotency {
                    context.app.idempotency.remember(secret: created.secret, entityId: idempotency.entityId, key: idempotency.key)
                }
                return TokenRoutes.created(created, json: created.json)
            },
            Route("DELETE", "/tokens/:id", access: .owner) { context in
                try await context.store.revokeToken(context.parameter("id"), as: context.principal)
                context.app.tokensChanged()
                return .noContent
            },
        ]
    }

    /// `201` with `json` (the token, with or without its secret), `Location` and `no-store`.
    static func created(_ created: CreatedToken, json: JSON) -> APIResponse {
        var response = APIResponse(status: 201, json: json)
        response.headers.append(("Location", "/tokens/" + PathEscaping.escape(created.token.id)))
        response.headers.append(("Cache-Control", "no-store"))
        return response
    }
}
