import StackJSON

/// SQLite indexes for the content paths a type lists in `indexes` (SPEC §3 Types: "content paths
/// the server indexes for queries on this type").
///
/// Each (type, path) gets one partial index over the records of that type only:
///
/// ```sql
/// CREATE INDEX records_content_… ON records(<rank of '$."a"'>, json_extract(indexed, '$."a"'), rid)
///     WHERE type = 'task'
/// ```
///
/// - Over `indexed`, the content cut down to the type's index paths (``IndexedValues``), not over
///   `content`: a patch that changes no indexed value leaves these indexes alone.
/// - Partial, so a write computes and stores index entries only for its own type's paths, not for
///   every indexed path of every type. SQLite uses such an index only when it can prove the
///   query implies `type = 'task'`, which a bound parameter cannot do: the query compiler writes
///   the type as this same literal when a query is restricted to one registered type.
/// - Led by the JSON-type rank the query sort uses (``QueryCompiler/rank(_:)``), then the value,
///   then `rid`: the exact order of a content sort with its tiebreak, so a sort walks the index
///   and stops at the page's end. Filters say the rank too (`rank = 4 AND value = ?` for a
///   string), so an equality or a range seeks in the same index.
/// - The query compiler writes content paths as the same validated literal, so expressions match.
enum TypeIndexes {
    /// One index: its name and the exact `CREATE INDEX` statement.
    struct Index: Equatable {
        var name: String
        var sql: String
        /// The type whose records it indexes.
        var type: String
    }

    /// The indexes `definition` asks for. Paths that are not valid filter paths (they could never
    /// be queried) are skipped.
    static func indexes(for definition: TypeDefinition) -> [Index] {
        var seen: Set<String> = []
        return definition.indexes.compactMap { path in
            guard let segments = IndexedValues.segments(path), let p = QueryCompiler.pathLiteral(.content(segments)) else { return nil }
            var hash = SHA256()
            hash.update(definition.id + "\u{0}" + path)
            let name = namePrefix + String(hash.finalizeHex().prefix(20))
            guard seen.insert(name).inserted else { return nil }
            let rank = QueryCompiler.rank(p, in: "indexed")
            let value = QueryCompiler.value(p, in: "indexed")
            let sql = "CREATE INDEX \(name) ON records(\(rank), \(value), rid) WHERE type = \(QueryCompiler.textLiteral(definition.id))"
            return Index(name: name, sql: sql, type: definition.id)
        }
    }

    /// Every type index's name starts with this.
    static let namePrefix = "records_content_"

    /// The path literals `definition`'s indexes cover: a one-type query writes conditions and
    /// sorts on these over `indexed` (``QueryCompiler``).
    static func pathLiterals(of definition: TypeDefinition) -> Set<String> {
        Set(IndexedValues(definition.indexes).paths.compactMap { QueryCompiler.pathLiteral(.content($0)) })
    }

    /// Creates the indexes of `definition` that do not exist yet, filling `records.indexed` of
    /// its records first.
    static func create(for definition: TypeDefinition, db: Database) throws {
        let missing = try indexes(for: definition).filter { !(try exists($0.name, db: db)) }
        guard !missing.isEmpty else { return }
        try fillIndexed(type: definition.id, with: IndexedValues(definition.indexes), db: db)
        for index in missing { try db.executeScript(index.sql) }
    }

    /// Writes `records.indexed` afresh for every record of `type`: before an index over it is
    /// built, as the records may have been written under other index paths (or, before schema
    /// version 8, none at all).
    static func fillIndexed(type: String, with indexed: IndexedValues, db: Database) throws {
        let rids = try db.fetchAll("SELECT rid FROM records WHERE type = ?", [type]) { $0.int64(0) }
        for rid in rids {
            guard let content = try db.fetchOne("SELECT content FROM records WHERE rid = ?", [rid], { try JSON(parsing: $0.bytes(0)) })
            else { continue }
            try db.execute("UPDATE records SET indexed = ? WHERE rid = ?", [indexed.text(of: content), rid])
        }
    }

    /// Brings the database's type indexes to exactly those `definitions` ask for, as defined
    /// now: drops every `records_content_…` index whose definition differs (such as the
    /// non-partial `records(type, json_extract(…), rid)` indexes of earlier versions) or that no
    /// type asks for, and creates the missing ones, filling `records.indexed` of their types'
    /// records first (``fillIndexed(type:with:db:)``). Run at every open, where the types are
    /// loaded; a no-op (one read of `sqlite_master`) when nothing changed.
    /// - Returns: how many indexes were dropped or created.
    @discardableResult
    static func reconcile(_ definitions: [TypeDefinition], db: Database) throws -> Int {
        var wanted: [String: Index] = [:]
        for index in definitions.flatMap(indexes(for:)) { wanted[index.name] = index }
        let existing = try db.fetchAll(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'records' AND substr(name, 1, ?) = ?",
            [namePrefix.utf8.count, namePrefix]
        ) { (name: $0.text(0), sql: $0.text(1)) }
        var changes = 0
        var kept: Set<String> = []
        for index in existing {
            if wanted[index.name]?.sql == index.sql {
                kept.insert(index.name)
            } else {
                try db.executeScript("DROP INDEX \(QueryCompiler.identifier(index.name))")
                changes += 1
            }
        }
        let missing = wanted.values.filter { !kept.contains($0.name) }.sorted { $0.name < $1.name }
        for type in Set(missing.map(\.type)).sorted() {
            guard let definition = definitions.first(where: { $0.id == type }) else { continue }
            try fillIndexed(type: type, with: IndexedValues(definition.indexes), db: db)
        }
        for index in missing {
            try db.executeScript(index.sql)
            changes += 1
        }
        return changes
    }

    private static func exists(_ name: String, db: Database) throws -> Bool {
        try db.exists("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", [name])
    }
}
