/// SQLite expression indexes for the content paths a type lists in `indexes` (SPEC §3 Types:
/// "content paths the server indexes for queries on this type").
///
/// Each path gets `CREATE INDEX … ON records(type, json_extract(content, '$."a"."b"'), rid)`. It is
/// not a partial index (`WHERE type = 'x'`), because queries bind the type as a parameter and SQLite
/// cannot prove a bound value implies a partial index's condition; leading with `type` serves the
/// same purpose. The query compiler writes content paths as the same validated literal, so a
/// filter or sort on an indexed path matches the index expression.
enum TypeIndexes {
    /// Creates the indexes of `definition` that do not exist yet. Paths that are not valid filter
    /// paths (they could never be queried) are skipped.
    static func create(for definition: TypeDefinition, db: Database) throws {
        for path in definition.indexes {
            guard let field = FilterField("content." + path), let expression = QueryCompiler.pathLiteral(field) else { continue }
            var hash = SHA256()
            hash.update(definition.id + "\u{0}" + path)
            let name = "records_content_" + String(hash.finalizeHex().prefix(20))
            try db.execute("CREATE INDEX IF NOT EXISTS \(name) ON records(type, json_extract(content, \(expression)), rid)")
        }
    }
}
