import StackJSON

extension Store {
    /// Creates a record (SPEC §3 `POST /records`).
    ///
    /// - Parameters:
    ///   - input: type, content, optional permissions (owner only) and optional client id.
    ///   - principal: who is asking; required.
    ///   - idempotency: when given, the rendered response is stored in the same transaction.
    /// - Throws: `unauthorized`, `unknownType`, `forbidden` (no create grant for the type, or
    ///   permissions sent by a non-owner), `invalidRequest` (bad id), `invalidContent`, `conflict`
    ///   (id taken, idempotency key used).
    public func createRecord(
        _ input: NewRecord, as principal: Principal?, idempotency: IdempotencyStamp<Record>? = nil
    ) async throws -> Record {
        let (record, text) = try prepareNewRecord(input, as: principal, at: .now())
        let owner = ownerEntityId
        let lifetime = configuration.idempotencyLifetimeMilliseconds
        let checkID = input.id != nil
        let seq = try await write { db -> Int64 in
            let seq = try Store.insertNewRecord(record, text: text, checkID: checkID, ownerEntityId: owner, db: db)
            if let idempotency {
                try IdempotencyRows.insert(idempotency, result: record, now: record.createdAt, lifetime: lifetime, db: db)
            }
            return seq
        }
        notifier.advance(to: seq)
        return record
    }

    /// Creates many records in one transaction: all of them or none (for imports and bulk
    /// loads). Each is checked exactly as ``createRecord(_:as:idempotency:)`` checks it.
    /// - Throws: the first record's error; nothing is written then.
    public func createRecords(_ inputs: [NewRecord], as principal: Principal?) async throws -> [Record] {
        let now = Timestamp.now()
        var prepared: [(Record, RecordText, Bool)] = []
        prepared.reserveCapacity(inputs.count)
        for input in inputs {
            let (record, text) = try prepareNewRecord(input, as: principal, at: now)
            prepared.append((record, text, input.id != nil))
        }
        let batch = prepared
        let owner = ownerEntityId
        let seq = try await writeAlone { db -> Int64 in
            var seq: Int64 = 0
            for (record, text, checkID) in batch {
                seq = try Store.insertNewRecord(record, text: text, checkID: checkID, ownerEntityId: owner, db: db)
            }
            return seq
        }
        notifier.advance(to: seq)
        return prepared.map(\.0)
    }

    /// SPEC §3/§4 checks of a new record, done before the write: principal, type, create grant,
    /// permissions (owner only), client id, content. Returns the record and the texts of its row.
    func prepareNewRecord(_ input: NewRecord, as principal: Principal?, at now: Timestamp) throws -> (Record, RecordText) {
        guard let principal else { throw StoreError.unauthorized }
        guard types.entry(input.type) != nil else { throw StoreError.unknownType(input.type) }
        // SPEC §4: create needs the token's create grant; entity and group records are the owner's.
        guard principal.mayCreate(type: input.type) else {
            throw StoreError.forbidden("this token may not create records of type \"\(input.type)\"")
        }
        if input.permissions != nil && !principal.isOwner {
            throw StoreError.forbidden("only the owner may set permissions")
        }
        if let id = input.id, !RecordID.isValidClientID(id) {
            throw StoreError.invalidRequest(
                "the id must match ^[A-Za-z0-9][A-Za-z0-9._~-]{0,127}$ and not be \"query\"")
        }
        let indexed = try types.validate(input.content, type: input.type)
        let record = Record(
            id: input.id ?? RecordID.generate(at: now), type: input.type, content: input.content, version: 1, createdAt: now,
            updatedAt: now, createdBy: principal.entityId, deletedAt: nil, permissions: input.permissions ?? [])
        return (record, RecordText(input.content, type: indexed))
    }

    /// Inserts a new record's rows (current state, version 1, grants, group members, file
    /// references, the `create` event); returns the event's `seq`.
    static func insertNewRecord(
        _ record: Record, text: RecordText, checkID: Bool, ownerEntityId: String, db: Database
    ) throws -> Int64 {
        if checkID, try db.exists("SELECT 1 FROM records WHERE id = ?", [record.id]) {
            throw StoreError.conflict("a record with id \"\(record.id)\" exists")
        }
        let rid = try RecordRows.insert(record, text: text, db: db)
        if let grants = record.permissions, !grants.isEmpty {
            try RecordRows.writeGrants(rid: rid, grants: grants, replacing: false, db: db)
        }
        try RecordRows.syncGroupMembers(rid: rid, record: record, ownerEntityId: ownerEntityId, db: db)
        try RecordRows.recordFileReferences(rid: rid, content: record.content, db: db)
        return try RecordRows.appendChange(rid: rid, record: record, operation: .create, at: record.createdAt, db: db)
    }

    /// The record `id` as `principal` may see it (SPEC §3 `GET /records/:id`).
    /// - Parameter includeDeleted: honoured for the owner only; others never see soft-deleted records.
    /// - Throws: `notFound` when absent, soft-deleted (unless the owner asks) or unreadable.
    public func record(_ id: String, includeDeleted: Bool = false, as principal: Principal?) async throws -> Record {
        try await readableRow(id, includeDeleted: includeDeleted, as: principal) { try RecordRows.decode($0).record }
            .visible(to: principal)
    }

    /// The row of record `id` if `principal` may read it (selected with ``RecordRows/columns``),
    /// made into a `Row` by `decode`: the one query behind every point read of a record.
    func readableRow<Row: Sendable>(
        _ id: String, includeDeleted: Bool, as principal: Principal?, decode: @escaping @Sendable (Statement) throws -> Row
    ) async throws -> Row {
        let readable = AccessRules.readable("r", by: principal)
        let showDeleted = includeDeleted && principal?.isOwner == true
        let found = try await read(snapshot: false, short: true) { db in
            try db.fetchOne(
                "SELECT \(RecordRows.columns) FROM records r WHERE r.id = ? AND \(readable.sql)"
                    + (showDeleted ? "" : " AND r.deleted_at IS NULL"),
                [id] + readable.arguments, decode)
        }
        guard let found else { throw StoreError.notFound("record \(id)") }
        return found
    }

    /// Applies an RFC 7396 merge patch to the record's content in one write transaction against
    /// the current content (SPEC §3 `PATCH /records/:id`). A patch that changes nothing returns the
    /// record with its version unchanged; otherwise the version grows by one. A caller who may
    /// write but not read always makes a new version (and sees no content, SPEC §4).
    /// - Parameter ifMatch: the version the caller expects (`If-Match`); `nil` matches any.
    /// - Throws: `notFound`, `forbidden`, `preconditionFailed`, `invalidContent`.
    public func patchRecord(_ id: String, patch: JSON, ifMatch: Int? = nil, as principal: Principal?) async throws -> Record {
        guard let principal else { throw StoreError.unauthorized }
        let owner = ownerEntityId
        let types = self.types
        let (record, seq, readable) = try await write { db -> (Record, Int64?, Bool) in
            let (rid, current, readable) = try Store.loadForWrite(id: id, principal: principal, ifMatch: ifMatch, db: db)
            let merged = current.content.merging(patch: patch)
            // A patch that changes nothing keeps the version, for callers who can read the record.
            // One who may write but not read gets a new version all the same: an unchanged
            // version would tell it that its guess of a value was right.
            if merged == current.content && readable { return (current, nil, readable) }
            let paths = try types.validate(merged, type: current.type)
            // Unchanged indexed values leave `records.indexed`, and so the type's indexes, alone.
            // Compared as text, as SQLite compares them: `[1]` and `[1.0]` are equal JSON values
            // but not the same stored text.
            let indexed = paths.text(of: merged)
            let indexedText: String?? = indexed == paths.text(of: current.content) ? .none : .some(indexed)
            let now = Timestamp.now()
            var updated = current
            updated.content = merged
            updated.version += 1
            updated.updatedAt = max(now, current.updatedAt)
            try RecordRows.writeNewVersion(
                rid: rid, record: updated, contentText: merged.serializedString(), indexed: indexedText, by: principal.entityId,
                operation: .update, db: db)
            try RecordRows.syncGroupMembers(rid: rid, record: updated, ownerEntityId: owner, db: db)
            try RecordRows.recordFileReferences(rid: rid, content: merged, db: db)
            let seq = try RecordRows.appendChange(rid: rid, record: updated, operation: .update, at: updated.updatedAt, db: db)
            return (updated, seq, readable)
        }
        if let seq { notifier.advance(to: seq) }
        return record.visible(to: principal, readable: readable)
    }

    /// Soft-deletes the record (SPEC §3 `DELETE /records/:id`): hidden from everyone but the
    /// owner's `includeDeleted`; versions kept. Non-owners may delete only records they created.
    public func deleteRecord(_ id: String, ifMatch: Int? = nil, as principal: Principal?) async throws {
        guard let principal else { throw StoreError.unauthorized }
        let owner = ownerEntityId
        let seq = try await write { db -> Int64 in
            let (rid, current, _) = try Store.loadForWrite(id: id, principal: principal, ifMatch: ifMatch, db: db)
            // SPEC §4: E may soft-delete only records it created.
            guard principal.isOwner || current.createdBy == principal.entityId else {
                throw StoreError.forbidden("only the record's creator or the owner may delete it")
            }
            guard current.id != owner else { throw StoreError.forbidden("the owner entity cannot be deleted") }
            let now = max(Timestamp.now(), current.updatedAt)
            var deleted = current
            deleted.deletedAt = now
            deleted.updatedAt = now
            try db.execute("UPDATE records SET deleted_at = ?, updated_at = ? WHERE rid = ?", [now.milliseconds, now.milliseconds, rid])
            try RecordRows.syncGroupMembers(rid: rid, record: deleted, ownerEntityId: owner, db: db)
            return try RecordRows.appendChange(rid: rid, record: deleted, operation: .delete, at: now, db: db)
        }
        notifier.advance(to: seq)
    }

    /// Makes a new version whose content is version `version`'s (SPEC §3 restore); on a
    /// soft-deleted record (owner or creator) it also undeletes.
    /// - Throws: `notFound` (record or version), `forbidden`, `preconditionFailed`.
    public func restoreRecord(_ id: String, version: Int, ifMatch: Int? = nil, as principal: Principal?) async throws -> Record {
        guard let principal else { throw StoreError.unauthorized }
        let owner = ownerEntityId
        let types = self.types
        let (record, seq, readable) = try await write { db -> (Record, Int64, Bool) in
            let (rid, current, readable) = try Store.loadForWrite(
                id: id, principal: principal, ifMatch: ifMatch, allowDeletedForCreator: true, db: db)
            guard
                let text = try db.fetchOne(
                    "SELECT content FROM record_versions WHERE rid = ? AND version = ?", [rid, version], { $0.text(0) })
            else { throw StoreError.notFound("version \(version) of record \(id)") }
            let now = max(Timestamp.now(), current.updatedAt)
            var restored = current
            restored.content = try JSON(parsing: text)
            restored.version += 1
            restored.updatedAt = now
            restored.deletedAt = nil
            try RecordRows.writeNewVersion(
                rid: rid, record: restored, contentText: text, indexed: .some(types.indexedValues(of: current.type).text(of: restored.content)),
                by: principal.entityId, operation: .restore, db: db)
            try RecordRows.syncGroupMembers(rid: rid, record: restored, ownerEntityId: owner, db: db)
            let seq = try RecordRows.appendChange(rid: rid, record: restored, operation: .restore, at: now, db: db)
            return (restored, seq, readable)
        }
        notifier.advance(to: seq)
        return record.visible(to: principal, readable: readable)
    }

    /// Erases the record, its versions, grants, associations in both directions and attachment
    /// references (SPEC §3 `DELETE /records/:id?hard=true`); owner only. Appends an `erase` event.
    /// Erasing an entity also revokes its tokens.
    public func hardDeleteRecord(_ id: String, ifMatch: Int? = nil, as principal: Principal?) async throws {
        guard let principal else { throw StoreError.unauthorized }
        let owner = ownerEntityId
        let seq = try await write { db -> Int64 in
            guard principal.isOwner else {
                // Readable → 403, otherwise indistinguishable from absent (SPEC §4).
                if let (rid, current) = try RecordRows.load(id: id, db: db), current.deletedAt == nil,
                    try AccessRules.access(rid: rid, principal: principal, db: db).read
                {
                    throw StoreError.forbidden("only the owner may erase records")
                }
                throw StoreError.notFound("record \(id)")
            }
            guard let (rid, current) = try RecordRows.load(id: id, db: db) else { throw StoreError.notFound("record \(id)") }
            if let ifMatch, ifMatch != current.version { throw StoreError.preconditionFailed(currentVersion: current.version) }
            guard current.id != owner else { throw StoreError.forbidden("the owner entity cannot be erased") }
            let seq = try RecordRows.appendChange(rid: rid, record: current, operation: .erase, at: .now(), db: db)
            if current.type == BuiltInTypeIDs.entity {
                try db.execute("DELETE FROM tokens WHERE entity_id = ?", [current.id])
            }
            try db.execute("DELETE FROM records WHERE rid = ?", [rid])
            return seq
        }
        notifier.advance(to: seq)
    }

    /// Loads a record for a mutation and applies SPEC §4: absent, soft-deleted or unreadable →
    /// `notFound`; readable but not writable → `forbidden`; `entity`/`group` records → owner only;
    /// `ifMatch` → `preconditionFailed`. `readable`: whether `principal` may also read it (a write
    /// grant does not imply read).
    static func loadForWrite(
        id: String, principal: Principal, ifMatch: Int?, allowDeletedForCreator: Bool = false, db: Database
    ) throws -> (rid: Int64, record: Record, readable: Bool) {
        guard let (rid, current) = try RecordRows.load(id: id, db: db) else { throw StoreError.notFound("record \(id)") }
        if current.deletedAt != nil {
            let creatorOrOwner = principal.isOwner || current.createdBy == principal.entityId
            guard allowDeletedForCreator && creatorOrOwner else { throw StoreError.notFound("record \(id)") }
        }
        let access = try AccessRules.access(rid: rid, principal: principal, db: db)
        // SPEC §4: a write grant without read still allows writes ("useless for GET" only); with
        // neither, the record is indistinguishable from absent.
        guard access.read || access.write else { throw StoreError.notFound("record \(id)") }
        guard access.write else { throw StoreError.forbidden("no write access to record \(id)") }
        if !principal.isOwner && (current.type == BuiltInTypeIDs.entity || current.type == BuiltInTypeIDs.group) {
            throw StoreError.forbidden("only the owner may modify \(current.type) records")
        }
        if let ifMatch, ifMatch != current.version { throw StoreError.preconditionFailed(currentVersion: current.version) }
        return (rid, current, access.read)
    }
}

extension Record {
    /// The record with `permissions` hidden unless `principal` is the owner or the creator (SPEC §4).
    func visible(to principal: Principal?) -> Record {
        guard let principal, principal.isOwner || principal.entityId == createdBy else {
            var copy = self
            copy.permissions = nil
            return copy
        }
        return self
    }

    /// The answer to a write by `principal`: as ``visible(to:)``, and without its content when
    /// `principal` may write the record but not read it (SPEC §4: such a grant is "useless for
    /// GET", so the write's answer shows no more than a read would).
    func visible(to principal: Principal?, readable: Bool) -> Record {
        var copy = visible(to: principal)
        if !readable {
            copy.content = [:]
            copy.isContentHidden = true
        }
        return copy
    }
}
