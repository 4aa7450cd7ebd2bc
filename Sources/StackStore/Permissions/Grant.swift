import StackJSON

/// One element of a record's `permissions` list (SPEC §4).
public enum Grant: Sendable, Hashable {
    /// `{"access": "public"}`: anyone may read, anonymous included.
    case `public`
    /// `{"access": "entity", "entityId", "read", "write"}`.
    case entity(id: String, read: Bool, write: Bool)
    /// `{"access": "group", "groupId", "read", "write"}`; counts only through an owner-created,
    /// non-deleted group record that lists the entity.
    case group(id: String, read: Bool, write: Bool)

    /// The grant as JSON, in the shape SPEC §4 gives.
    public var json: JSON {
        switch self {
        case .public: return ["access": "public"]
        case .entity(let id, let read, let write):
            return ["access": "entity", "entityId": .string(id), "read": .bool(read), "write": .bool(write)]
        case .group(let id, let read, let write):
            return ["access": "group", "groupId": .string(id), "read": .bool(read), "write": .bool(write)]
        }
    }

    /// Parses one grant object.
    /// - Throws: ``StoreError/invalidGrant(index:message:)`` naming `index` and the problem.
    public init(json: JSON, index: Int = 0) throws(StoreError) {
        guard let object = json.objectValue else {
            throw .invalidGrant(index: index, message: "a grant must be an object")
        }
        guard let access = object["access"]?.stringValue else {
            throw .invalidGrant(index: index, message: "\"access\" must be \"public\", \"entity\" or \"group\"")
        }
        func flag(_ key: String) throws(StoreError) -> Bool {
            guard let value = object[key] else { return false }
            guard let bool = value.boolValue else {
                throw .invalidGrant(index: index, message: "\"\(key)\" must be a boolean")
            }
            return bool
        }
        func subject(_ key: String) throws(StoreError) -> String {
            guard let id = object[key]?.stringValue, RecordID.isValidClientID(id) else {
                throw .invalidGrant(index: index, message: "\"\(key)\" must be a record id")
            }
            return id
        }
        func onlyKeys(_ allowed: Set<String>) throws(StoreError) {
            for key in object.keys where !allowed.contains(key) {
                throw .invalidGrant(index: index, message: "unknown member \"\(key)\" for access \"\(access)\"")
            }
        }
        switch access {
        case "public":
            try onlyKeys(["access"])
            self = .public
        case "entity":
            try onlyKeys(["access", "entityId", "read", "write"])
            self = .entity(id: try subject("entityId"), read: try flag("read"), write: try flag("write"))
        case "group":
            try onlyKeys(["access", "groupId", "read", "write"])
            self = .group(id: try subject("groupId"), read: try flag("read"), write: try flag("write"))
        default:
            throw .invalidGrant(index: index, message: "\"access\" must be \"public\", \"entity\" or \"group\"")
        }
    }

    /// Parses a permissions list from any shape `PUT …/permissions` accepts (SPEC §3): an object
    /// `{"permissions": [...]}`, a bare list, or a single grant object.
    public static func list(from json: JSON) throws(StoreError) -> [Grant] {
        var elements: [JSON]
        if let array = json.arrayValue {
            elements = array
        } else if let object = json.objectValue, object.count == 1, let inner = object["permissions"] {
            guard let array = inner.arrayValue else {
                throw .invalidRequest("\"permissions\" must be a list of grants")
            }
            elements = array
        } else if json.objectValue != nil {
            elements = [json]
        } else {
            throw .invalidRequest("permissions must be a list of grants")
        }
        var grants: [Grant] = []
        for (index, element) in elements.enumerated() {
            let grant = try Grant(json: element, index: index)
            if !grants.contains(grant) { grants.append(grant) }
        }
        return grants
    }

    /// A list as JSON.
    public static func json(_ grants: [Grant]) -> JSON { .array(grants.map(\.json)) }
}
