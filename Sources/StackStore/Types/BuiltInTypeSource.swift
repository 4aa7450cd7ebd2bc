import StackJSON

/// Bridges the built-in type definitions (the `types/` folder, embedded at build time by
/// `BuiltInTypes`) to the ``TypeDefinition``s registered at stack creation (SPEC §1).
enum BuiltInTypeSource {
    static func definitions(at time: Timestamp = .now()) throws -> [TypeDefinition] {
        try BuiltInTypes.all.map { definition in
            // Fail creation rather than register a built-in type whose schema does not compile.
            _ = try TypeRegistry.compile(definition.schema)
            return TypeDefinition(
                id: definition.id, name: definition.name, description: definition.description, schema: definition.schema,
                indexes: definition.indexes, builtIn: true, createdAt: time)
        }
    }
}
