import StackJSON
import StackStore

/// `/records` and `/records/:id` (SPEC §3 Records, §5 listing).
enum RecordRoutes {
    static var routes: [Route] {
        [
            Route("GET", "/records", access: .optional, query: RecordListParameters.names, queryPrefix: "content.", handler: list),
            Route("POST", "/records", access: .authenticated, creates: true, handler: create),
            // SPEC §5: `POST /records/query` (the reserved id `query`) is served by QueryRoutes.
            Route("GET", "/records/:id", access: .optional, query: ["includeDeleted"], handler: get),
            Route("PATCH", "/records/:id", access: .authenticated, handler: patch),
            Route("DELETE", "/records/:id", access: .authenticated, query: ["hard"], handler: delete),
        ]
    }

    @Sendable static func list(_ context: RequestContext) async throws -> APIResponse {
        let parameters = try RecordListParameters(context.query, supportsQuery: true)
        let query = RecordListQuery(
            type: parameters.type, createdBy: parameters.createdBy,
            updatedAfter: parameters.updatedAfter.map(Timestamp.init(milliseconds:)),
            associatedWith: parameters.associatedWith, relation: parameters.relation,
            direction: AssociationDirection(rawValue: parameters.direction.rawValue) ?? .both,
            sort: RecordSort(rawValue: parameters.sort.rawValue) ?? .createdAtDescending, limit: parameters.limit,
            cursor: parameters.cursor, includeDeleted: parameters.includeDeleted)
        if parameters.q != nil || !parameters.contentFilters.isEmpty {
            return try await QueryRoutes.list(parameters, base: query, context: context)
        }
        let page = try await context.store.listStoredRecords(query, as: context.principal)
        return RecordResponses.page(page)
    }

    @Sendable static func create(_ context: RequestContext) async throws -> APIResponse {
        let body = try BodyFields(await context.jsonObjectBody(), allowed: ["type", "content", "permissions", "id"])
        let type = try body.string("type", required: true)!
        let content = try body.objectMember("content", required: true)!
        var permissions: [Grant]?
        if let list = body.value("permissions") {
            guard case .array = list else {
                throw Problem.badRequest(
                    "\"permissions\" must be a list of grants.", errors: [.init(path: "/permissions", message: "expected an array")])
            }
            permissions = try Grant.list(from: list)
        }
        let id = try body.string("id")
        let stamp = context.idempotency?.stamp { (record: Record) in RecordResponses.record(record, status: 201) }
        let record = try await context.store.createRecord(
            NewRecord(type: type, content: .object(content), permissions: permissions, id: id), as: context.principal,
            idempotency: stamp)
        return RecordResponses.record(record, status: 201)
    }

    @Sendable static func get(_ context: RequestContext) async throws -> APIResponse {
        let includeDeleted = try ParameterValidation.boolean("includeDeleted", context.query.value("includeDeleted"))
        let record = try await context.store.storedRecord(
            context.parameter("id"), includeDeleted: includeDeleted, as: context.principal)
        return RecordResponses.conditionalGet(record, context: context)
    }

    @Sendable static func patch(_ context: RequestContext) async throws -> APIResponse {
        let id = context.parameter("id")
        let patch = try await context.jsonBody(allowMergePatch: true)
        let ifMatch = try await context.ifMatchVersion {
            try await context.store.record(id, as: context.principal).version
        }
        do {
            let record = try await context.store.patchRecord(id, patch: patch, ifMatch: ifMatch, as: context.principal)
            return RecordResponses.record(record)
        } catch let error as StoreError {
            // Validation errors point into the merge result, which is what the patch describes.
            throw Problem.from(error, path: context.path, contentPointer: "", log: context.app.configuration.log)
        }
    }

    @Sendable static func delete(_ context: RequestContext) async throws -> APIResponse {
        let id = context.parameter("id")
        let hard = try ParameterValidation.boolean("hard", context.query.value("hard"))
        let ifMatch = try await context.ifMatchVersion {
            try await context.store.record(id, includeDeleted: hard, as: context.principal).version
        }
        if hard {
            try await context.store.hardDeleteRecord(id, ifMatch: ifMatch, as: context.principal)
        } else {
            try await context.store.deleteRecord(id, ifMatch: ifMatch, as: context.principal)
        }
        // Erasing an entity revokes its tokens; deleting one suspends them until it is restored.
        context.app.entityRemoved(id)
        return .noContent
    }
}
