import StackJSON
import StackStore

/// `/attachments` (SPEC §3 Attachments): streamed uploads, ranged downloads.
enum AttachmentRoutes {
    static var routes: [Route] {
        [
            Route("POST", "/attachments", access: .authenticated, creates: true, handler: upload),
            Route("GET", "/attachments/:fileId", access: .optional, handler: download),
            // The store decides owner-only vs unreadable (403 vs 404, SPEC §4).
            Route("DELETE", "/attachments/:fileId", access: .authenticated) { context in
                try await context.store.deleteAttachment(context.parameter("fileId"), as: context.principal)
                return .noContent
            },
        ]
    }

    @Sendable static func upload(_ context: RequestContext) async throws -> APIResponse {
        let limit = context.app.configuration.maxAttachmentBytes
        // SPEC §3: refuse before reading the body when Content-Length already says it is too big.
        if let declared = context.request.body.declaredLength, declared > limit {
            throw Problem.payloadTooLarge(limit: limit)
        }
        let contentType = context.request.header("Content-Type").flatMap { $0.isEmpty ? nil : $0 } ?? MediaTypes.octetStream
        let upload = try await context.store.beginAttachment(
            contentType: contentType, maxSize: Int64(limit), as: context.principal)
        let attachment: Attachment
        do {
            while let chunk = try await context.request.body.nextChunk() {
                try await upload.write(chunk)
            }
            attachment = try await upload.finish(idempotency: idempotencyStamp(context))
        } catch {
            await upload.abort()
            throw error
        }
        return created(attachment)
    }

    /// The stamp of an upload with an `Idempotency-Key`: its request digest covers the bytes'
    /// SHA-256 (`RequestFingerprint.uploadHash`), known when the upload ends.
    static func idempotencyStamp(_ context: RequestContext) -> IdempotencyStamp<Attachment>? {
        guard var stamp = context.idempotency?.stamp(AttachmentRoutes.created) else { return nil }
        let (method, target, contentType) = (context.request.method, context.request.target, context.request.header("Content-Type"))
        stamp.requestHashOfResult = { attachment in
            RequestFingerprint.uploadHash(method: method, target: target, contentType: contentType, sha256: attachment.sha256)
        }
        return stamp
    }

    @Sendable static func created(_ attachment: Attachment) -> APIResponse {
        var response = APIResponse(status: 201, json: attachment.json)
        response.headers.append(("Location", "/attachments/" + PathEscaping.escape(attachment.fileId)))
        response.headers.append(("ETag", Conditional.attachmentETag(sha256: attachment.sha256)))
        return response
    }

    @Sendable static func download(_ context: RequestContext) async throws -> APIResponse {
        let fileId = context.parameter("fileId")
        let attachment = try await context.store.attachment(fileId, as: context.principal)
        let etag = Conditional.attachmentETag(sha256: attachment.sha256)
        var headers: [(name: String, value: String)] = [
            ("ETag", etag), ("Accept-Ranges", "bytes"), ("Content-Security-Policy", "sandbox"),
        ]
        if Conditional.ifNoneMatchHits(context.request.header("If-None-Match"), current: etag) {
            return APIResponse(status: 304, headers: headers)
        }
        headers.insert(("Content-Type", attachment.contentType), at: 0)
        // RFC 9110 §13.2.2: a Range is ignored when If-Range does not match the current tag.
        var rangeHeader = context.request.header("Range")
        if let ifRange = context.request.header("If-Range"), ifRange != etag { rangeHeader = nil }
        switch ByteRange.resolve(rangeHeader, size: attachment.size) {
        case .unsatisfiable:
            var problem = Problem.rangeNotSatisfiable(size: attachment.size)
            problem.headers.append(contentsOf: headers.filter { $0.name != "Content-Type" })
            throw problem
        case .full:
            let open = try await context.store.openAttachment(fileId, as: context.principal)
            var response = APIResponse(status: 200, headers: headers)
            response.file = open.file
            return response
        case .partial(let range):
            let open = try await context.store.openAttachment(
                fileId, range: range.lowerBound..<(range.upperBound + 1), as: context.principal)
            headers.append(("Content-Range", "bytes \(range.lowerBound)-\(range.upperBound)/\(attachment.size)"))
            var response = APIResponse(status: 206, headers: headers)
            response.file = open.file
            return response
        }
    }
}
