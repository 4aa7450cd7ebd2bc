/// Whether a query restricted to one registered type should steer SQLite to that type's content
/// indexes (``TypeIndexes``), which it does by hinting that the type condition is not selective
/// (`likelihood(r.type = 'task', 0.5)`).
///
/// SQLite has no statistics here (no `ANALYZE`), so it takes an equality on an index's first
/// column to match about ten rows and, left alone, always walks `records_by_type_…`. That is
/// right for a filter matching much of a large type under a `createdAt` sort (the page is found
/// in the first rows), and badly wrong for a sort on an indexed path (every record of the type
/// read and sorted per page) or a filter matching few records (the whole type walked). So:
enum TypeIndexPlan: Equatable {
    /// No type literal, or nothing an index of the type could serve: SQLite's own choice.
    case plain
    /// The first sort key is an indexed path: the index gives the order, a page is its next rows.
    case hinted
    /// Top-level conditions on indexed paths (given) could seek, but the sort is another column:
    /// count their matches in the index (no table row read) up to ``probeLimit`` first; fewer,
    /// and seeking then sorting them is cheap (hinted); as many, and walking the sort index finds
    /// a page quickly because matches are dense (plain).
    case probe(RecordFilter)

    /// Above this many matches, a filter is not worth seeking and sorting.
    static let probeLimit = 2000

    static func choose(for query: RecordQuery, type definition: TypeDefinition) -> TypeIndexPlan {
        let indexed = TypeIndexes.pathLiterals(of: definition)
        guard !indexed.isEmpty else { return .plain }
        if let first = query.sort.first, let path = QueryCompiler.pathLiteral(first.field) {
            return indexed.contains(path) ? .hinted : .plain
        }
        let conjuncts: [RecordFilter]
        switch query.filter {
        case .and(let children)?: conjuncts = children
        case let filter?: conjuncts = [filter]
        case nil: conjuncts = []
        }
        let seeking = conjuncts.filter { conjunct in
            guard case .condition(let field, let op, _) = conjunct, let path = QueryCompiler.pathLiteral(field) else { return false }
            return indexed.contains(path) && [.eq, .in, .gt, .gte, .lt, .lte].contains(op)
        }
        return seeking.isEmpty ? .plain : .probe(.and(seeking))
    }
}
