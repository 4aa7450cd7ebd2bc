import StackJSON

extension Store {
    /// Makes a token (owner only). Without `entityId`, a new entity record `{"name": name}` is
    /// created for it in the same transaction. A token bound to the owner entity is an owner token.
    /// - Parameter idempotency: when given, the rendered response is stored in the same
    ///   transaction. Its `render` must leave the secret out: only a hash of it is ever stored.
    /// - Throws: `unauthorized`, `forbidden`, `invalidRequest` (empty name, bad grant, unknown or
    ///   non-entity `entityId`, expiry in the past).
    public func createToken(
        _ input: NewToken, as principal: Principal?, idempotency: IdempotencyStamp<CreatedToken>? = nil
    ) async throws -> CreatedToken {
        guard let principal else { throw StoreError.unauthorized }
        guard principal.isOwner else { throw StoreError.forbidden("only the owner may manage tokens") }
        guard !input.name.isEmpty, input.name.utf8.count <= 256 else {
            throw StoreError.invalidRequest("the token name must be 1 to 256 bytes")
        }
        for grant in input.createGrants where grant != "*" && !TypeDefinition.isValidID(grant) {
            throw StoreError.invalidRequest("invalid create grant \"\(grant)\": a type id or \"*\"")
        }
        let now = Timestamp.now()
        if let expiresAt = input.expiresAt, expiresAt <= now {
            throw StoreError.invalidRequest("expiresAt is in the past")
        }
        let secret = TokenSecret.generate()
        let hash = TokenSecret.hash(of: secret)
        let tokenId = TokenSecret.generateID()
        // Without an entity id, the token's entity record is made in the same transaction.
        var newEntity: (Record, RecordText)?
        if input.entityId == nil {
            newEntity = try prepareNewRecord(
                NewRecord(type: BuiltInTypeIDs.entity, content: ["name": .string(input.name)]), as: principal, at: now)
        }
        let token = Token(
            id: tokenId, name: input.name, entityId: input.entityId ?? newEntity!.0.id, createGrants: input.createGrants,
            expiresAt: input.expiresAt, createdAt: now, lastUsedAt: nil)
        let entity = newEntity
        let owner = ownerEntityId
        let created = CreatedToken(token: token, secret: secret)
        let lifetime = configuration.idempotencyLifetimeMilliseconds
        let seq = try await write { db -> Int64? in
            var seq: Int64?
            if let (record, text) = entity {
                seq = try Store.insertNewRecord(record, text: text, checkID: false, ownerEntityId: owner, db: db)
            }
            guard
                try db.exists(
                    "SELECT 1 FROM records WHERE id = ? AND type = 'entity' AND deleted_at IS NULL", [token.entityId])
            else { throw StoreError.invalidRequest("entityId must name an existing entity record") }
            try db.execute(
                """
                INSERT INTO tokens (id, hash, name, entity_id, create_grants, expires_at, created_at, last_used_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, NULL)
                """,
                [
                    token.id, hash, token.name, token.entityId, JSON.array(token.createGrants.map(JSON.string)).serializedString(),
                    token.expiresAt?.milliseconds, token.createdAt.milliseconds,
                ])
            if let idempotency {
                try IdempotencyRows.insert(idempotency, result: created, now: now, lifetime: lifetime, db: db)
            }
            return seq
        }
        if let seq { notifier.advance(to: seq) }
        return created
    }

    /// Every token (owner only), oldest first.
    public func listTokens(as principal: Principal?) async throws -> [Token] {
        guard let principal else { throw StoreError.unauthorized }
        guard principal.isOwner else { throw StoreError.forbidden("only the owner may manage tokens") }
        return try await read { db in
            try db.fetchAll(
                "SELECT id, name, entity_id, create_grants, expires_at, created_at, last_used_at FROM tokens ORDER BY created_at, id"
            ) { try Store.decodeToken($0) }
        }
    }

    /// Revokes a token (owner only): it is refused from the next request on.
    /// - Throws: `notFound` when there is no such token.
    public func revokeToken(_ id: String, as principal: Principal?) async throws {
        guard let principal else { throw StoreError.unauthorized }
        guard principal.isOwner else { throw StoreError.forbidden("only the owner may manage tokens") }
        try await write { db in
            try db.execute("DELETE FROM tokens WHERE id = ?", [id])
            if db.changedRowCount == 0 { throw StoreError.notFound("token \(id)") }
        }
        _ = tokenUsage.withLock { $0.removeValue(forKey: id) }
    }

    /// The principal a bearer secret stands for, or `nil` when the secret is unknown, expired or
    /// revoked, or its entity's record is soft-deleted (until it is restored). `lastUsedAt` is written at most once a minute per token, in the background.
    public func authenticate(secret: String) async throws -> Principal? {
        guard TokenSecret.looksLikeToken(secret) else { return nil }
        let hash = TokenSecret.hash(of: secret)
        let now = Timestamp.now()
        guard
            let (token, _) = try await read(snapshot: false, short: true, { db in
                try db.fetchOne(
                    """
                    SELECT id, name, entity_id, create_grants, expires_at, created_at, last_used_at, hash FROM tokens t
                    WHERE hash = ? AND NOT EXISTS (SELECT 1 FROM records r WHERE r.id = t.entity_id AND r.deleted_at IS NOT NULL)
                    """,
                    [hash]
                ) { (try Store.decodeToken($0), $0.text(7)) }
            })
        else { return nil }
        if let expiresAt = token.expiresAt, expiresAt <= now { return nil }
        noteTokenUse(token, now: now)
        var principal = Principal(
            entityId: token.entityId, isOwner: token.entityId == ownerEntityId, tokenId: token.id, createGrants: token.createGrants)
        principal.tokenExpiresAt = token.expiresAt
        return principal
    }

    /// Coalesces `lastUsedAt` updates: a write at most once per interval per token.
    private func noteTokenUse(_ token: Token, now: Timestamp) {
        let interval = configuration.tokenLastUsedIntervalMilliseconds
        let due = tokenUsage.withLock { usage -> Bool in
            let last = usage[token.id] ?? token.lastUsedAt?.milliseconds ?? Int64.min / 2
            guard now.milliseconds - last >= interval else { return false }
            usage[token.id] = now.milliseconds
            return true
        }
        guard due else { return }
        Task { [self] in
            _ = try? await self.write { db in
                try db.execute("UPDATE tokens SET last_used_at = ? WHERE id = ?", [now.milliseconds, token.id])
            }
        }
    }

    static func decodeToken(_ row: Statement) throws -> Token {
        Token(
            id: row.text(0), name: row.text(1), entityId: row.text(2),
            createGrants: (try JSON(parsing: row.bytes(3))).arrayValue?.compactMap(\.stringValue) ?? [],
            expiresAt: row.optionalInt64(4).map(Timestamp.init(milliseconds:)), createdAt: Timestamp(milliseconds: row.int64(5)),
            lastUsedAt: row.optionalInt64(6).map(Timestamp.init(milliseconds:)))
    }
}
