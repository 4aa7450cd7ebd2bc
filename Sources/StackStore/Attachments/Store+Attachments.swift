import Foundation
import StackJSON

extension Store {
    /// Starts an upload (SPEC §3 `POST /attachments`). The owner may always upload; other entities
    /// need at least one create grant.
    /// - Parameters:
    ///   - contentType: stored as given (the API defaults it to `application/octet-stream`).
    ///   - maxSize: the size limit; a write past it throws ``StoreError/payloadTooLarge(limit:)``.
    public func beginAttachment(contentType: String, maxSize: Int64? = nil, as principal: Principal?) async throws -> AttachmentUpload {
        guard let principal else { throw StoreError.unauthorized }
        guard principal.isOwner || !principal.createGrants.isEmpty else {
            throw StoreError.forbidden("uploading attachments needs at least one create grant")
        }
        guard !isClosed.withLock({ $0 }) else { throw StoreError.unavailable }
        do {
            let writer = try await blobs.makeWriter(maxSize: maxSize)
            return AttachmentUpload(store: self, writer: writer, contentType: contentType, principal: principal)
        } catch {
            throw StoreError.wrap(error)
        }
    }

    func finishUpload(_ upload: AttachmentUpload, idempotency: IdempotencyStamp<Attachment>?) async throws -> Attachment {
        // The blob is pinned from before it is placed until its row is committed (``BlobPins``): a
        // deletion of the same bytes meanwhile leaves the file.
        let pins = blobPins
        let pinned = Locked<String?>(nil)
        let info: BlobInfo
        do {
            info = try await upload.writer.finish { sha in
                // Blocking is fine here: `finish` runs on a thread of the blob store's own.
                while !pins.withLock({ $0.pin(sha) }) { Thread.sleep(forTimeInterval: 0.001) }
                pinned.withLock { $0 = sha }
            }
        } catch {
            if let sha = pinned.withLock({ $0 }) { await unpin(sha, committed: false) }
            throw StoreError.wrap(error)
        }
        let attachment = Attachment(
            fileId: AttachmentID.generate(), size: info.size, sha256: info.sha256, contentType: upload.contentType,
            createdAt: .now(), createdBy: upload.principal.entityId)
        let lifetime = configuration.idempotencyLifetimeMilliseconds
        do {
            try await write { db in
                try db.execute(
                    "INSERT INTO attachments (file_id, sha256, size, content_type, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        attachment.fileId, attachment.sha256, attachment.size, attachment.contentType,
                        attachment.createdAt.milliseconds, attachment.createdBy,
                    ])
                if let idempotency {
                    try IdempotencyRows.insert(idempotency, result: attachment, now: attachment.createdAt, lifetime: lifetime, db: db)
                }
            }
        } catch {
            await unpin(info.sha256, committed: false)
            throw error
        }
        await unpin(info.sha256, committed: true)
        return attachment
    }

    /// The upload that pinned `sha` is over. Without a committed row of its own, the blob it
    /// placed goes unless another fileId shares it.
    private func unpin(_ sha: String, committed: Bool) async {
        blobPins.withLock { $0.unpin(sha) }
        if !committed { try? await removeBlobIfUnreferenced(sha) }
    }

    /// Removes blob `sha` if no fileId refers to it and no upload is placing it, decided in one
    /// write job (``BlobPins``); the file goes after that job commits.
    ///
    /// The unlink runs on a thread of its own, not on the blob store's queue: uploads of the same
    /// bytes wait for it on that queue's threads (``finishUpload(_:idempotency:)``).
    func removeBlobIfUnreferenced(_ sha: String) async throws {
        let pins = blobPins
        let claim = pins.withLock { $0.newClaim() }
        let claimed: Bool
        do {
            claimed = try await write { db -> Bool in
                if try db.exists("SELECT 1 FROM attachments WHERE sha256 = ?", [sha]) { return false }
                return pins.withLock { $0.claimForRemoval(sha, claim: claim) }
            }
        } catch {
            pins.withLock { $0.removed(sha, claim: claim) }  // a claim made in a run that did not commit
            throw error
        }
        guard claimed else { return }
        let blobs = self.blobs
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                _ = try? blobs.remove(sha)
                pins.withLock { $0.removed(sha, claim: claim) }
                done.resume()
            }
        }
    }

    /// The attachment's metadata, if `principal` may read it: the owner, its uploader, or anyone
    /// who can read a non-deleted record whose content holds the fileId (SPEC §3); else `notFound`.
    public func attachment(_ fileId: String, as principal: Principal?) async throws -> Attachment {
        guard let found = try await readableAttachment(fileId, as: principal) else {
            throw StoreError.notFound("attachment \(fileId)")
        }
        return found
    }

    /// Opens the attachment's bytes in `range` (all when `nil`) for streaming.
    /// - Throws: `notFound`, ``StoreError/rangeNotSatisfiable(size:)``.
    public func openAttachment(_ fileId: String, range: Range<Int64>? = nil, as principal: Principal?) async throws -> OpenAttachment {
        let attachment = try await attachment(fileId, as: principal)
        do {
            let file = try await blobs.open(attachment.sha256, range: range)
            return OpenAttachment(attachment: attachment, file: file)
        } catch {
            throw StoreError.wrap(error)
        }
    }

    /// Deletes the fileId (owner only); the bytes leave the disk once no other fileId shares them.
    public func deleteAttachment(_ fileId: String, as principal: Principal?) async throws {
        guard let principal else { throw StoreError.unauthorized }
        guard principal.isOwner else {
            if try await readableAttachment(fileId, as: principal) != nil {
                throw StoreError.forbidden("only the owner may delete attachments")
            }
            throw StoreError.notFound("attachment \(fileId)")
        }
        let orphan = try await write { db -> String? in
            guard let sha = try db.fetchOne("SELECT sha256 FROM attachments WHERE file_id = ?", [fileId], { $0.text(0) }) else {
                throw StoreError.notFound("attachment \(fileId)")
            }
            try db.execute("DELETE FROM attachments WHERE file_id = ?", [fileId])
            let shared = try db.exists("SELECT 1 FROM attachments WHERE sha256 = ?", [sha])
            return shared ? nil : sha
        }
        if let orphan {
            try? await removeBlobIfUnreferenced(orphan)
        }
    }

    private func readableAttachment(_ fileId: String, as principal: Principal?) async throws -> Attachment? {
        var sql = "SELECT \(Attachment.columns) FROM attachments a WHERE a.file_id = ?"
        var arguments: [DatabaseValue] = [.text(fileId)]
        if principal?.isOwner != true {
            // One indexed query: uploader, or a readable non-deleted record referring to the file.
            let readable = AccessRules.readable("r", by: principal)
            sql += """
                 AND (a.created_by = ? OR EXISTS (SELECT 1 FROM file_refs f JOIN records r ON r.rid = f.rid \
                WHERE f.file_id = a.file_id AND r.deleted_at IS NULL AND \(readable.sql)))
                """
            arguments.append(.text(principal?.entityId ?? ""))
            arguments += readable.arguments
        }
        let query = sql
        let args = arguments
        return try await read { db in try db.fetchOne(query, args) { Attachment.decode($0) } }
    }

    /// Startup clean-up (SPEC §3 Attachments): removes temporary files left by a crash, and blobs
    /// that no fileId refers to (a crash between a blob's rename and its commit leaves one).
    func cleanUpAttachments() async throws {
        do {
            try await blobs.removeTemporaryFiles()
            let stored = try await blobs.listAllBlobs()
            guard !stored.isEmpty else { return }
            let referenced = try await read { db in
                Set(try db.fetchAll("SELECT DISTINCT sha256 FROM attachments") { $0.text(0) })
            }
            for sha in stored where !referenced.contains(sha) {
                try await blobs.remove(sha)
            }
        } catch {
            throw StoreError.wrap(error)
        }
    }
}
