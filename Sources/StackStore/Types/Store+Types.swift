import StackJSON

/// What a caller sends to register a type (SPEC §3 `POST /types`).
public struct NewType: Sendable {
    public var id: String
    public var name: String?
    public var description: String?
    public var schema: JSON
    public var indexes: [String]

    public init(id: String, name: String? = nil, description: String? = nil, schema: JSON, indexes: [String] = []) {
        self.id = id
        self.name = name
        self.description = description
        self.schema = schema
        self.indexes = indexes
    }
}

extension Store {
    /// Registers a type (owner only). The schema is compiled once (format assertion on) and cached.
    /// - Throws: `unauthorized`, `forbidden`, `invalidRequest` (bad id or index path),
    ///   `invalidSchema`, `conflict` (id taken; built-in types cannot be replaced).
    public func registerType(
        _ input: NewType, as principal: Principal?, idempotency: IdempotencyStamp<TypeDefinition>? = nil
    ) async throws -> TypeDefinition {
        guard let principal else { throw StoreError.unauthorized }
        guard principal.isOwner else { throw StoreError.forbidden("only the owner may register types") }
        guard TypeDefinition.isValidID(input.id) else {
            throw StoreError.invalidRequest("the type id must match ^[a-z][a-z0-9]*([._-][a-z0-9]+)*$ (at most 128 characters)")
        }
        for path in input.indexes where !TypeDefinition.isValidIndexPath(path) {
            throw StoreError.invalidRequest("invalid index path \"\(path)\"")
        }
        // A schema that names another dialect would be read as 2020-12 and mean something else.
        if let dialect = input.schema["$schema"], !TypeRegistry.dialects.contains(dialect.stringValue ?? "") {
            throw StoreError.invalidSchema(
                "only JSON Schema draft 2020-12 is supported (\"$schema\": \"\(TypeRegistry.dialects[0])\", or no \"$schema\")",
                pointer: "/$schema")
        }
        _ = try TypeRegistry.compile(input.schema)
        let definition = TypeDefinition(
            id: input.id, name: input.name, description: input.description, schema: input.schema, indexes: input.indexes,
            builtIn: false, createdAt: .now())
        let lifetime = configuration.idempotencyLifetimeMilliseconds
        try await write { db in
            if try db.exists("SELECT 1 FROM types WHERE id = ?", [definition.id]) {
                throw StoreError.conflict("the type \"\(definition.id)\" exists")
            }
            try TypeRegistry.insertRow(definition, db: db)
            if let idempotency {
                try IdempotencyRows.insert(idempotency, result: definition, now: definition.createdAt, lifetime: lifetime, db: db)
            }
        }
        try types.insert(definition)
        return definition
    }

    /// The type `id` (no authentication needed, SPEC §3 Types). - Throws: `notFound`.
    public func type(_ id: String) async throws -> TypeDefinition {
        guard let entry = types.entry(id) else { throw StoreError.notFound("type \(id)") }
        return entry.definition
    }

    /// Every registered type, sorted by id.
    public func listTypes() async throws -> [TypeDefinition] { types.all }
}
