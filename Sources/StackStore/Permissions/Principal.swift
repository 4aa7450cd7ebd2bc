/// Who is asking: the entity a bearer token belongs to. Anonymous requests pass `nil`.
public struct Principal: Sendable, Hashable {
    /// The entity id (an `entity` record's id).
    public var entityId: String
    /// Whether the entity is the stack's owner (SPEC §4: the owner may do anything).
    public var isOwner: Bool
    /// The token that authenticated the request, if any.
    public var tokenId: String?
    /// The type ids (or `"*"`) this principal may create records of (the token's `grants.create`).
    public var createGrants: [String]
    /// When the token that authenticated the request expires, if it does: whoever keeps this
    /// principal for later requests must not keep it past then.
    public var tokenExpiresAt: Timestamp?

    public init(entityId: String, isOwner: Bool, tokenId: String? = nil, createGrants: [String] = []) {
        self.entityId = entityId
        self.isOwner = isOwner
        self.tokenId = tokenId
        self.createGrants = createGrants
    }

    /// Whether the principal may create records of `type` (SPEC §4): the owner always; others when
    /// their token's create grants hold the type or `"*"`, and never `entity` or `group` records.
    public func mayCreate(type: String) -> Bool {
        if isOwner { return true }
        if type == BuiltInTypeIDs.entity || type == BuiltInTypeIDs.group { return false }
        return createGrants.contains(type) || createGrants.contains("*")
    }
}

/// The ids of the built-in types (SPEC §1).
public enum BuiltInTypeIDs {
    public static let entity = "entity"
    public static let group = "group"
}
