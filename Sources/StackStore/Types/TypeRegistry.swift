import StackJSON

/// The registered types with their compiled schemas, loaded at open and cached: types cannot be
/// replaced or removed, so an entry never goes stale.
final class TypeRegistry: Sendable {
    struct Entry: Sendable {
        let definition: TypeDefinition
        let schema: JSONSchema
        /// What the type's records store in `records.indexed`.
        let indexed: IndexedValues
    }

    private let entries = Locked<[String: Entry]>([:])

    /// Compiles `schema` the way record content is validated: format assertion on, no remote `$ref`.
    static func compile(_ schema: JSON) throws(StoreError) -> JSONSchema {
        do {
            return try JSONSchema(compiling: schema, options: .init(formatAssertion: true))
        } catch {
            throw .invalidSchema(error.description, pointer: error.path.description)
        }
    }

    /// The `$schema` values a registered type's schema may name: JSON Schema 2020-12's.
    static let dialects = ["https://json-schema.org/draft/2020-12/schema", "https://json-schema.org/draft/2020-12/schema#"]

    func entry(_ id: String) -> Entry? { entries.withLock { $0[id] } }

    func insert(_ definition: TypeDefinition) throws(StoreError) {
        let entry = Entry(
            definition: definition, schema: try TypeRegistry.compile(definition.schema), indexed: IndexedValues(definition.indexes))
        entries.withLock { $0[definition.id] = entry }
    }

    /// What records of `type` store in `records.indexed` (nothing, for a type not registered).
    func indexedValues(of type: String) -> IndexedValues {
        entry(type)?.indexed ?? IndexedValues([])
    }

    var all: [TypeDefinition] {
        entries.withLock { $0.values.map(\.definition) }.sorted { $0.id < $1.id }
    }

    /// Validates record content against its type: an object, valid for the schema.
    /// - Returns: what the type's records store in `records.indexed`.
    @discardableResult
    func validate(_ content: JSON, type: String) throws(StoreError) -> IndexedValues {
        guard let entry = entry(type) else { throw .unknownType(type) }
        guard case .object = content else {
            throw .invalidContent([
                ValidationError(instancePath: .root, keywordPath: .root, message: "content must be a JSON object")
            ])
        }
        let errors = entry.schema.validate(content)
        if !errors.isEmpty { throw .invalidContent(errors) }
        return entry.indexed
    }

    // MARK: Rows

    static func insertRow(_ definition: TypeDefinition, db: Database) throws {
        try db.execute(
            "INSERT INTO types (id, name, description, schema, indexes, built_in, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                definition.id, definition.name, definition.description, definition.schema.serializedString(options: .sortedKeys),
                JSON.array(definition.indexes.map(JSON.string)).serializedString(), definition.builtIn,
                definition.createdAt.milliseconds,
            ])
        try TypeIndexes.create(for: definition, db: db)  // query helper: expression indexes for `indexes`
    }

    static func loadAll(db: Database) throws -> [TypeDefinition] {
        try db.fetchAll("SELECT id, name, description, schema, indexes, built_in, created_at FROM types ORDER BY id") { row in
            TypeDefinition(
                id: row.text(0), name: row.optionalText(1), description: row.optionalText(2),
                schema: try JSON(parsing: row.bytes(3)),
                indexes: (try JSON(parsing: row.bytes(4))).arrayValue?.compactMap(\.stringValue) ?? [],
                builtIn: row.bool(5), createdAt: Timestamp(milliseconds: row.int64(6)))
        }
    }
}
