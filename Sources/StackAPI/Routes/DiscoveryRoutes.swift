import Dispatch
import StackJSON
import StackStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `/.well-known/stack`, `/health`, `/openapi.json` (SPEC §3, no auth).
enum DiscoveryRoutes {
    static var routes: [Route] {
        [
            Route("GET", "/.well-known/stack", access: .anonymous) { context in
                let app = context.app
                let document = WellKnownDocument(
                    version: app.configuration.version, ownerEntityId: app.store.ownerEntityId,
                    maxJsonBytes: app.configuration.maxJSONBytes, maxAttachmentBytes: app.configuration.maxAttachmentBytes,
                    rateLimitPerMinute: app.configuration.rateLimitPerMinute)
                return APIResponse(json: document.json)
            },
            Route("GET", "/health", access: .anonymous) { context in
                let database = await context.store.isDatabaseHealthy()
                // Uploads need both: their temporary files, then the blob folder.
                let folder = await isWritable(context.store.blobDirectory)
                let uploads = await isWritable(context.store.uploadDirectory)
                let blobs = folder && uploads
                if database && blobs { return APIResponse(json: ["status": "ok"]) }
                var response = APIResponse(
                    status: 503,
                    json: [
                        "status": "unavailable",
                        "checks": ["database": database ? "ok" : "not answering", "blobs": blobs ? "ok" : "not writable"],
                    ])
                response.headers.append(("Retry-After", "5"))
                return response
            },
            Route("GET", "/openapi.json", access: .anonymous) { context in
                return APIResponse(status: 200, headers: [("Content-Type", MediaTypes.json)], body: OpenAPIDocument.bytes)
            },
        ]
    }

    /// Whether the folder accepts writes, checked with `access(2)` off the cooperative pool.
    static func isWritable(_ path: String) async -> Bool {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: access(path, W_OK) == 0)
            }
        }
    }
}
