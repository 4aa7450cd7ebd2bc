import StackJSON

/// The built-in record types, `entity` and `group` (SPEC §1), as defined by the JSON files of the
/// repository's top-level `types/` folder.
///
/// Those files are the single source: the `EmbedBuiltInTypes` build-tool plugin copies their text
/// into the module at build time (`embeddedSources`, generated), so the program needs no
/// `types/` folder at run time and works from any working directory. Editing a file rebuilds it.
///
/// Each file is `{"id", "name", "description", "schema", "indexes"}`; `schema` is a JSON Schema
/// draft 2020-12 for record content. Both built-in schemas allow additional properties, so apps
/// may extend entities and groups with fields of their own (the choice is recorded in each
/// schema's `$comment`).
///
/// ```swift
/// for type in BuiltInTypes.all {
///     registry.register(id: type.id, name: type.name, schema: type.schema, indexes: type.indexes)
/// }
/// ```
public enum BuiltInTypes {
    /// One built-in type definition, parsed from its file.
    public struct Definition: Sendable, Hashable {
        /// The type id (`entity`, `group`).
        public let id: String
        /// Human-readable name.
        public let name: String
        /// What the type is for.
        public let description: String
        /// JSON Schema (draft 2020-12) for record content.
        public let schema: JSON
        /// Content paths to index for queries.
        public let indexes: [String]
        /// The whole file, parsed.
        public let document: JSON
        /// The file's text exactly as in `types/`.
        public let source: String
        /// The file's name in `types/` (`entity.json`).
        public let fileName: String
    }

    /// Every built-in type, in file-name order.
    ///
    /// Parsed once. The files are checked at build time (they must be JSON) and by
    /// `BuiltInTypesTests`; a file without the required fields stops the program here with its name.
    public static let all: [Definition] = embeddedSources.map { entry in
        do {
            return try parse(file: entry.file, json: entry.json)
        } catch {
            fatalError("types/\(entry.file): \(error)")
        }
    }

    /// The built-in `entity` type.
    public static var entity: Definition { definition(for: "entity")! }
    /// The built-in `group` type.
    public static var group: Definition { definition(for: "group")! }

    /// The built-in type with this id, or `nil` for a type that is not built in.
    public static func definition(for id: String) -> Definition? {
        all.first { $0.id == id }
    }

    /// Whether `id` names a built-in type (which cannot be replaced, SPEC §1).
    public static func isBuiltIn(_ id: String) -> Bool {
        definition(for: id) != nil
    }

    /// Why a definition file is unusable.
    public struct DefinitionError: Error, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Parses one definition file's text.
    static func parse(file: String, json: String) throws -> Definition {
        let document = try JSONParser.parse(json)
        guard case .object = document else { throw DefinitionError(message: "not a JSON object") }
        guard let id = document["id"]?.stringValue, !id.isEmpty else {
            throw DefinitionError(message: "missing string \"id\"")
        }
        guard let schema = document["schema"], case .object = schema else {
            throw DefinitionError(message: "missing object \"schema\"")
        }
        let indexes = try (document["indexes"]?.arrayValue ?? []).map { value in
            guard let path = value.stringValue else {
                throw DefinitionError(message: "\"indexes\" must hold strings")
            }
            return path
        }
        return Definition(
            id: id,
            name: document["name"]?.stringValue ?? id,
            description: document["description"]?.stringValue ?? "",
            schema: schema,
            indexes: indexes,
            document: document,
            source: json,
            fileName: file
        )
    }
}
