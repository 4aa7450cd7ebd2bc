import StackJSON

/// A registered record type (SPEC §1): `{id, name, description, schema, indexes, builtIn, createdAt}`.
public struct TypeDefinition: Sendable, Hashable {
    public var id: String
    public var name: String?
    public var description: String?
    /// A JSON Schema (draft 2020-12) for `content`.
    public var schema: JSON
    /// Content paths (`"status"`, `"due.date"`) indexed for queries on this type.
    public var indexes: [String]
    public var builtIn: Bool
    public var createdAt: Timestamp

    public init(
        id: String, name: String? = nil, description: String? = nil, schema: JSON, indexes: [String] = [],
        builtIn: Bool = false, createdAt: Timestamp = .now()
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.schema = schema
        self.indexes = indexes
        self.builtIn = builtIn
        self.createdAt = createdAt
    }

    public var json: JSON {
        [
            "id": .string(id), "name": name.map(JSON.string) ?? .null,
            "description": description.map(JSON.string) ?? .null, "schema": schema,
            "indexes": .array(indexes.map(JSON.string)), "builtIn": .bool(builtIn),
            "createdAt": .string(createdAt.rfc3339),
        ]
    }

    /// Whether `id` is a valid type id: `^[a-z][a-z0-9]*([._-][a-z0-9]+)*$`, at most 128
    /// characters (SPEC §3 Types).
    public static func isValidID(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard !bytes.isEmpty, bytes.count <= 128 else { return false }
        func lower(_ c: UInt8) -> Bool { c >= 97 && c <= 122 }
        func digit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        func separator(_ c: UInt8) -> Bool { c == UInt8(ascii: ".") || c == UInt8(ascii: "_") || c == UInt8(ascii: "-") }
        guard lower(bytes[0]) else { return false }
        var previousWasSeparator = false
        for c in bytes.dropFirst() {
            if separator(c) {
                if previousWasSeparator { return false }
                previousWasSeparator = true
            } else if lower(c) || digit(c) {
                previousWasSeparator = false
            } else {
                return false
            }
        }
        return !previousWasSeparator
    }

    /// Whether `path` is a valid index path: dot-separated non-empty segments.
    static func isValidIndexPath(_ path: String) -> Bool {
        !path.isEmpty && path.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty }
            && path.utf8.count <= 256
    }
}
