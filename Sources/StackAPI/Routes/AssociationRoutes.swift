import StackJSON
import StackStore

/// `/records/:id/associations` (SPEC §3).
enum AssociationRoutes {
    static var routes: [Route] {
        [
            Route("GET", "/records/:id/associations", access: .optional, query: ["relation", "direction", "limit", "cursor"]) { context in
                let direction = try ParameterValidation.oneOf(
                    "direction", context.query.value("direction"),
                    [("out", AssociationDirection.out), ("in", .in), ("both", .both)], default: .out)
                let page = try await context.store.associations(
                    of: context.parameter("id"), direction: direction,
                    relation: ParameterValidation.nonEmpty("relation", context.query.value("relation")),
                    limit: ParameterValidation.limit(context.query.value("limit")),
                    cursor: ParameterValidation.nonEmpty("cursor", context.query.value("cursor")), as: context.principal)
                return APIResponse(json: ListBody.json(page.results.map(\.json), nextCursor: page.nextCursor))
            },
            Route("POST", "/records/:id/associations", access: .authenticated, creates: true) { context in
                let body = try BodyFields(await context.jsonObjectBody(), allowed: ["targetId", "relation"])
                let targetId = try body.string("targetId", required: true)!
                let relation = try body.string("relation", required: true)!
                let stamp = context.idempotency?.stamp(AssociationRoutes.response)
                let result = try await context.store.addAssociation(
                    from: context.parameter("id"), relation: relation, to: targetId, as: context.principal, idempotency: stamp)
                return AssociationRoutes.response(result)
            },
            Route("DELETE", "/records/:id/associations", access: .authenticated, query: ["targetId", "relation"]) { context in
                var targetId = try ParameterValidation.nonEmpty("targetId", context.query.value("targetId"))
                var relation = try ParameterValidation.nonEmpty("relation", context.query.value("relation"))
                if targetId == nil || relation == nil {
                    // The same two members may come as a JSON body instead.
                    if context.request.body.declaredLength != 0, context.request.header("Content-Type") != nil {
                        let body = try BodyFields(await context.jsonObjectBody(), allowed: ["targetId", "relation"])
                        targetId = try targetId ?? body.string("targetId", required: true)
                        relation = try relation ?? body.string("relation", required: true)
                    }
                }
                guard let targetId, let relation else {
                    throw Problem.badRequest("Name the association with targetId and relation (query or JSON body).")
                }
                try await context.store.removeAssociation(
                    from: context.parameter("id"), relation: relation, to: targetId, as: context.principal)
                return .noContent
            },
        ]
    }

    /// 201 with `Location` for a new association, 200 for an existing one.
    @Sendable static func response(_ result: AssociationResult) -> APIResponse {
        let association = result.association
        var response = APIResponse(status: result.created ? 201 : 200, json: association.json)
        if result.created {
            response.headers.append(
                ("Location", "/records/\(PathEscaping.escape(association.sourceId))/associations?relation="
                    + PathEscaping.escape(association.relation) + "&targetId=" + PathEscaping.escape(association.targetId)))
        }
        return response
    }
}
