import StackJSON
import StackStore

/// `/records/:id/versions…` and restore (SPEC §3).
enum VersionRoutes {
    static var routes: [Route] {
        [
            Route("GET", "/records/:id/versions", access: .optional, query: ["limit", "cursor", "includeDeleted"]) { context in
                let page = try await context.store.versions(
                    of: context.parameter("id"), limit: ParameterValidation.limit(context.query.value("limit")),
                    cursor: ParameterValidation.nonEmpty("cursor", context.query.value("cursor")),
                    includeDeleted: ParameterValidation.boolean("includeDeleted", context.query.value("includeDeleted")),
                    as: context.principal)
                return APIResponse(json: ListBody.json(page.results.map(\.json), nextCursor: page.nextCursor))
            },
            Route("GET", "/records/:id/versions/:version", access: .optional, query: ["includeDeleted"]) { context in
                let version = try await context.store.version(
                    context.positiveInteger("version"), of: context.parameter("id"),
                    includeDeleted: ParameterValidation.boolean("includeDeleted", context.query.value("includeDeleted")),
                    as: context.principal)
                return APIResponse(json: version.json)
            },
            Route("POST", "/records/:id/restore/:version", access: .authenticated) { context in
                let id = context.parameter("id")
                let number = try context.positiveInteger("version")
                let ifMatch = try await context.ifMatchVersion {
                    try await context.store.record(id, includeDeleted: true, as: context.principal).version
                }
                let record = try await context.store.restoreRecord(id, version: number, ifMatch: ifMatch, as: context.principal)
                return RecordResponses.record(record)
            },
        ]
    }
}
