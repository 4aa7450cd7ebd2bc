import StackJSON
import StackStore

/// `/records/:id/permissions` (SPEC §3, §4).
enum PermissionRoutes {
    static var routes: [Route] {
        [
            Route("GET", "/records/:id/permissions", access: .optional) { context in
                let record = try await context.store.record(context.parameter("id"), as: context.principal)
                // SPEC §4: non-owners see permissions only on records they created.
                guard let permissions = record.permissions else {
                    throw Problem.forbidden("Only the owner and the record's creator may see its permissions.")
                }
                var response = APIResponse(json: ["permissions": Grant.json(permissions)])
                response.headers.append(("ETag", Conditional.recordETag(version: record.version)))
                return response
            },
            // The store decides owner-only vs unreadable (403 vs 404, SPEC §4).
            Route("PUT", "/records/:id/permissions", access: .authenticated) { context in
                let id = context.parameter("id")
                let body = try await context.jsonBody()
                guard let principal = context.principal, principal.isOwner else {
                    _ = try await context.store.record(id, as: context.principal)
                    throw Problem.forbidden("Only the owner may change permissions.")
                }
                let grants: [Grant]
                do throws(StoreError) {
                    grants = try Grant.list(from: body)
                } catch {
                    guard case .invalidGrant(let index, let message) = error else {
                        throw Problem.from(error, path: context.path)
                    }
                    // Point into the body as sent: {"permissions": [...]}, a bare list, or one grant.
                    let pointer =
                        body.arrayValue != nil ? "/\(index)" : body["permissions"] != nil ? "/permissions/\(index)" : ""
                    throw Problem.unprocessable("A grant is invalid.", errors: [.init(path: pointer, message: message)])
                }
                let ifMatch = try await context.ifMatchVersion {
                    try await context.store.record(id, as: principal).version
                }
                let record = try await context.store.setPermissions(grants, of: id, ifMatch: ifMatch, as: principal)
                var response = APIResponse(json: ["permissions": Grant.json(record.permissions ?? grants)])
                response.headers.append(("ETag", Conditional.recordETag(version: record.version)))
                return response
            },
        ]
    }
}
