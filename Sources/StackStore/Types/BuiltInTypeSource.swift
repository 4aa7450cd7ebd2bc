import StackJSON

/// Bridges the built-in type definitions (the `types/` folder, embedded by `BuiltInTypes`) to
/// ``TypeDefinition``s registered at stack creation.
enum BuiltInTypeSource {
    static func definitions() throws -> [TypeDefinition] {
        // TEMPORARY until BuiltInTypes (from types/*.json) lands.
        let now = Timestamp.now()
        return [
            TypeDefinition(
                id: "entity", name: "Entity", schema: ["type": "object", "required": ["name"]], builtIn: true, createdAt: now),
            TypeDefinition(id: "group", name: "Group", schema: ["type": "object"], builtIn: true, createdAt: now),
        ]
    }
}
