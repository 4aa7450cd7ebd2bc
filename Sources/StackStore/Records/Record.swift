import StackJSON

/// A record's current state (SPEC §1).
public struct Record: Sendable, Hashable {
    public var id: String
    public var type: String
    /// Always a JSON object, valid for the type.
    public var content: JSON
    public var version: Int
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
    public var createdBy: String
    public var deletedAt: Timestamp?
    /// The grants; `nil` when the caller may not see them (SPEC §4: non-owners see `permissions`
    /// only on records they created).
    public var permissions: [Grant]?
    /// Set on the answer to a write by a caller who may write the record but not read it (a write
    /// grant without read, SPEC §4): `content` is then empty and the API leaves it out, as a read
    /// would not show it either.
    public var isContentHidden = false

    public init(
        id: String, type: String, content: JSON, version: Int, createdAt: Timestamp, updatedAt: Timestamp,
        createdBy: String, deletedAt: Timestamp?, permissions: [Grant]?
    ) {
        self.id = id
        self.type = type
        self.content = content
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.createdBy = createdBy
        self.deletedAt = deletedAt
        self.permissions = permissions
    }

    /// The record as the API returns it: `{id, type, content, version, createdAt, updatedAt,
    /// createdBy, deletedAt, permissions?}` (no `content` when ``isContentHidden``).
    public var json: JSON {
        var object: JSONObject = ["id": .string(id), "type": .string(type)]
        if !isContentHidden { object["content"] = content }
        object["version"] = .int(version)
        object["createdAt"] = .string(createdAt.rfc3339)
        object["updatedAt"] = .string(updatedAt.rfc3339)
        object["createdBy"] = .string(createdBy)
        object["deletedAt"] = deletedAt.map { .string($0.rfc3339) } ?? .null
        if let permissions { object["permissions"] = Grant.json(permissions) }
        return .object(object)
    }
}

/// Why a version exists (SPEC §3 versions): `create`, `update` or `restore`.
public enum VersionOperation: String, Sendable, Hashable {
    case create, update, restore
}

/// One entry of a record's version list: `{version, createdAt, createdBy, operation}`.
public struct VersionSummary: Sendable, Hashable {
    public var version: Int
    public var createdAt: Timestamp
    public var createdBy: String
    public var operation: VersionOperation

    public var json: JSON {
        [
            "version": .int(version), "createdAt": .string(createdAt.rfc3339), "createdBy": .string(createdBy),
            "operation": .string(operation.rawValue),
        ]
    }
}

/// An immutable snapshot: `{id, type, version, content, createdAt, createdBy, operation}`.
public struct RecordVersion: Sendable, Hashable {
    public var id: String
    public var type: String
    public var version: Int
    public var content: JSON
    public var createdAt: Timestamp
    public var createdBy: String
    public var operation: VersionOperation

    public var json: JSON {
        [
            "id": .string(id), "type": .string(type), "version": .int(version), "content": content,
            "createdAt": .string(createdAt.rfc3339), "createdBy": .string(createdBy),
            "operation": .string(operation.rawValue),
        ]
    }
}

/// What a caller sends to create a record (SPEC §3 `POST /records`).
public struct NewRecord: Sendable {
    public var type: String
    public var content: JSON
    /// Only the owner may send permissions (SPEC §3); `nil` means private (`[]`).
    public var permissions: [Grant]?
    /// A client-chosen id, or `nil` for a server-made one.
    public var id: String?

    public init(type: String, content: JSON, permissions: [Grant]? = nil, id: String? = nil) {
        self.type = type
        self.content = content
        self.permissions = permissions
        self.id = id
    }
}

/// A page of a list (SPEC §2 Lists): `results` and the opaque cursor of the next page, if any.
public struct Page<Element: Sendable>: Sendable {
    public var results: [Element]
    public var nextCursor: String?

    public init(results: [Element], nextCursor: String?) {
        self.results = results
        self.nextCursor = nextCursor
    }
}

extension Page: Equatable where Element: Equatable {}
