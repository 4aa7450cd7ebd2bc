import StackJSON
import StackStore

/// `/entity`: the owner's entity record (SPEC §3).
enum EntityRoutes {
    static var routes: [Route] {
        [
            Route("GET", "/entity", access: .authenticated) { context in
                let record = try await context.store.ownerEntity(as: context.principal)
                return RecordResponses.conditionalGet(record, context: context)
            },
            Route("PATCH", "/entity", access: .owner) { context in
                let patch = try await context.jsonBody(allowMergePatch: true)
                let ifMatch = try await context.ifMatchVersion {
                    try await context.store.ownerEntity(as: context.principal).version
                }
                do {
                    let record = try await context.store.patchOwnerEntity(patch, ifMatch: ifMatch, as: context.principal)
                    return RecordResponses.record(record)
                } catch let error as StoreError {
                    throw Problem.from(error, path: context.path, contentPointer: "", log: context.app.configuration.log)
                }
            },
        ]
    }
}
