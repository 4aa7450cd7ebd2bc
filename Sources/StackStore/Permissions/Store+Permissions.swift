import StackJSON

extension Store {
    /// The record's grants (SPEC §3 `GET /records/:id/permissions`): the owner and the record's
    /// creator only; others get `forbidden` when they can read the record, else `notFound`.
    public func permissions(of id: String, as principal: Principal?) async throws -> [Grant] {
        let record = try await record(id, as: principal)
        guard let permissions = record.permissions else {
            throw StoreError.forbidden("only the owner and the record's creator see its permissions")
        }
        return permissions
    }

    /// Replaces the record's grants (owner only, SPEC §3 `PUT /records/:id/permissions`); appends a
    /// `permissions` change event. The version is unchanged.
    /// - Throws: `unauthorized`, `notFound`, `forbidden`, `preconditionFailed`.
    public func setPermissions(_ grants: [Grant], of id: String, ifMatch: Int? = nil, as principal: Principal?) async throws
        -> Record
    {
        guard let principal else { throw StoreError.unauthorized }
        let (record, seq) = try await write { db -> (Record, Int64) in
            guard principal.isOwner else {
                if let (rid, current) = try RecordRows.load(id: id, db: db), current.deletedAt == nil,
                    try AccessRules.access(rid: rid, principal: principal, db: db).read
                {
                    throw StoreError.forbidden("only the owner may change permissions")
                }
                throw StoreError.notFound("record \(id)")
            }
            let (rid, current, _) = try Store.loadForWrite(id: id, principal: principal, ifMatch: ifMatch, db: db)
            var updated = current
            updated.permissions = grants
            try db.execute(
                "UPDATE records SET is_public = ?, permissions = ? WHERE rid = ?",
                [grants.contains(.public), Grant.json(grants).serializedString(), rid])
            try RecordRows.writeGrants(rid: rid, grants: grants, db: db)
            let seq = try RecordRows.appendChange(rid: rid, record: updated, operation: .permissions, at: .now(), db: db)
            return (updated, seq)
        }
        notifier.advance(to: seq)
        return record
    }

    /// The owner's entity record (SPEC §3 `GET /entity`); any authenticated principal.
    public func ownerEntity(as principal: Principal?) async throws -> Record {
        guard principal != nil else { throw StoreError.unauthorized }
        return try await record(ownerEntityId, as: ownerPrincipal).visible(to: principal)
    }

    /// Merge-patches the owner's entity content (SPEC §3 `PATCH /entity`); owner only.
    public func patchOwnerEntity(_ patch: JSON, ifMatch: Int? = nil, as principal: Principal?) async throws -> Record {
        guard let principal else { throw StoreError.unauthorized }
        guard principal.isOwner else { throw StoreError.forbidden("only the owner may change the owner entity") }
        return try await patchRecord(ownerEntityId, patch: patch, ifMatch: ifMatch, as: principal)
    }
}
