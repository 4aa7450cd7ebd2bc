import StackJSON

/// A bearer token's metadata (SPEC §3 tokens): never the secret.
public struct Token: Sendable, Hashable {
    public var id: String
    public var name: String
    public var entityId: String
    /// Type ids (or `"*"`) the token may create records of.
    public var createGrants: [String]
    public var expiresAt: Timestamp?
    public var createdAt: Timestamp
    public var lastUsedAt: Timestamp?

    /// `{id, name, entityId, grants: {create}, expiresAt, createdAt, lastUsedAt}`.
    public var json: JSON {
        [
            "id": .string(id), "name": .string(name), "entityId": .string(entityId),
            "grants": ["create": .array(createGrants.map(JSON.string))],
            "expiresAt": expiresAt.map { .string($0.rfc3339) } ?? .null, "createdAt": .string(createdAt.rfc3339),
            "lastUsedAt": lastUsedAt.map { .string($0.rfc3339) } ?? .null,
        ]
    }
}

/// A token just made, with its secret (shown once).
public struct CreatedToken: Sendable, Hashable {
    public var token: Token
    /// The bearer secret (`stk_…`).
    public var secret: String

    /// The token's JSON plus `token`, the secret (SPEC §3 `POST /tokens`).
    public var json: JSON {
        var json = token.json
        json["token"] = .string(secret)
        return json
    }
}

/// What the owner sends to make a token (SPEC §3 `POST /tokens`).
public struct NewToken: Sendable {
    public var name: String
    /// The entity the token acts as; `nil` makes a new `entity` record `{"name": name}`.
    public var entityId: String?
    public var createGrants: [String]
    public var expiresAt: Timestamp?

    public init(name: String, entityId: String? = nil, createGrants: [String] = [], expiresAt: Timestamp? = nil) {
        self.name = name
        self.entityId = entityId
        self.createGrants = createGrants
        self.expiresAt = expiresAt
    }
}
