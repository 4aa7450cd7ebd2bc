import StackJSON

/// Compiles a ``RecordFilter`` into a parameterised SQL predicate over the `records` row `r`
/// (SPEC §5): every value is a bound argument; content paths are validated (``FilterField``) and
/// written as escaped SQL string literals (``pathLiteral(_:)``), so they can match the types'
/// indexes (``TypeIndexes``). Each predicate is two-valued (0/1, never NULL), so `not` negates exactly.
enum QueryCompiler {
    /// - Parameter indexed: the path literals of the one type the query is restricted to that
    ///   its indexes cover (``TypeIndexes/pathLiterals(of:)``). Values at those paths are read
    ///   from `r.indexed`, which the indexes are built over and which holds the same values
    ///   (``IndexedValues``); other paths from `r.content`.
    static func compile(_ filter: RecordFilter, indexed: Set<String> = []) -> SQLFragment {
        switch filter {
        case .and(let children):
            guard !children.isEmpty else { return SQLFragment("1") }
            return join(children.map { compile($0, indexed: indexed) }, with: "AND")
        case .or(let children):
            guard !children.isEmpty else { return SQLFragment("0") }
            return join(children.map { compile($0, indexed: indexed) }, with: "OR")
        case .not(let child):
            let inner = compile(child, indexed: indexed)
            return SQLFragment("(NOT \(inner.sql))", inner.arguments)
        case .condition(let field, let op, let operand):
            if let path = pathLiteral(field) {
                return content(path: path, op, operand, in: source(path, indexed: indexed))
            }
            return builtIn(field, op, operand)
        }
    }

    /// The column a content path's values are read from: `r.indexed` for a path in `indexed`.
    static func source(_ p: String, indexed: Set<String>) -> String {
        indexed.contains(p) ? "r.indexed" : "r.content"
    }

    static func join(_ parts: [SQLFragment], with connective: String) -> SQLFragment {
        SQLFragment("(" + parts.map(\.sql).joined(separator: " \(connective) ") + ")", parts.flatMap(\.arguments))
    }

    // MARK: content fields

    /// Type tests are written with the path's JSON-type ``rank(_:in:)`` (`rank = 4` is
    /// `json_type IS 'text'`) and values with ``value(_:in:)``: the two leading columns of the
    /// types' indexes (``TypeIndexes``), so an equality or range seeks in them.
    static func content(path p: String, _ op: FilterOperator, _ operand: JSON, in source: String = "r.content") -> SQLFragment {
        let rank = rank(p, in: source)
        let value = value(p, in: source)
        switch op {
        case .eq: return contentEquals(p, operand, in: source)
        case .ne: return negate(contentEquals(p, operand, in: source))
        case .in: return join((operand.arrayValue ?? []).map { contentEquals(p, $0, in: source) }, orEmpty: "0")
        case .nin: return negate(join((operand.arrayValue ?? []).map { contentEquals(p, $0, in: source) }, orEmpty: "0"))
        case .exists:
            return SQLFragment("(\(rank) \(operand.boolValue == true ? ">" : "=") 0)")
        case .gt, .gte, .lt, .lte:
            let symbol = comparison(op)
            switch operand {
            case .number(let number):
                return SQLFragment("(\(rank) = \(Rank.number) AND \(value) \(symbol) ?)", [bind(number)])
            case .string(let text):
                return SQLFragment("(\(rank) = \(Rank.text) AND \(value) \(symbol) ?)", [.text(text)])
            default: return SQLFragment("0")
            }
        case .prefix:
            let text = DatabaseValue.text(operand.stringValue ?? "")
            return SQLFragment("(\(rank) = \(Rank.text) AND substr(\(value), 1, length(?)) = ?)", [text, text])
        case .contains:
            let element = elementEquals(operand)
            var sql = "(json_type(r.content, \(p)) IS 'array' AND EXISTS (SELECT 1 FROM json_each(r.content, \(p)) e WHERE \(element.sql)))"
            var arguments = element.arguments
            if let text = operand.stringValue {
                sql = "((json_type(r.content, \(p)) IS 'text' AND instr(\(value), ?) > 0) OR \(sql))"
                arguments = [.text(text)] + arguments
            }
            return SQLFragment(sql, arguments)
        }
    }

    /// Equality that never matches across JSON types (SPEC §5). Every branch is two-valued: the
    /// rank is never NULL, and the value is not NULL when the rank says it is a boolean, number,
    /// string, array or object.
    static func contentEquals(_ p: String, _ operand: JSON, in source: String = "r.content") -> SQLFragment {
        let rank = rank(p, in: source)
        let value = value(p, in: source)
        switch operand {
        case .null: return SQLFragment("(\(rank) = \(Rank.null))")
        // json_extract reads true as 1 and false as 0.
        case .bool(let flag): return SQLFragment("(\(rank) = \(Rank.boolean) AND \(value) = \(flag ? 1 : 0))")
        case .string(let text): return SQLFragment("(\(rank) = \(Rank.text) AND \(value) = ?)", [.text(text)])
        case .number(let number): return SQLFragment("(\(rank) = \(Rank.number) AND \(value) = ?)", [bind(number)])
        case .array, .object:
            let kind = operand.arrayValue != nil ? Rank.array : Rank.object
            return SQLFragment("(\(rank) = \(kind) AND \(value) = json(?))", [.text(operand.serializedString())])
        }
    }

    /// The order of JSON types in content sorts (SPEC §5 says comparisons never match across
    /// types; sorts keep each type together): missing < null < booleans < numbers < strings <
    /// arrays < objects.
    enum Rank {
        static let missing = 0
        static let null = 1
        static let boolean = 2
        static let number = 3
        static let text = 4
        static let array = 5
        static let object = 6
    }

    /// The JSON-type rank (``Rank``) of the value at path literal `p` of the JSON column `table`,
    /// never NULL. The types' indexes lead with this exact expression (over `indexed`, where
    /// queries say `r.indexed`; SQLite matches them), so keep the two in one place.
    static func rank(_ p: String, in table: String = "r.content") -> String {
        """
        (CASE json_type(\(table), \(p)) WHEN 'null' THEN \(Rank.null) WHEN 'false' THEN \(Rank.boolean) \
        WHEN 'true' THEN \(Rank.boolean) WHEN 'integer' THEN \(Rank.number) WHEN 'real' THEN \(Rank.number) \
        WHEN 'text' THEN \(Rank.text) WHEN 'array' THEN \(Rank.array) WHEN 'object' THEN \(Rank.object) ELSE \(Rank.missing) END)
        """
    }

    /// The SQL value at path literal `p`: NULL when missing or JSON null, 0/1 for booleans,
    /// numbers and text as themselves, arrays and objects as their JSON text.
    static func value(_ p: String, in table: String = "r.content") -> String {
        "json_extract(\(table), \(p))"
    }

    /// Equality of a `json_each` element `e` with `operand` (for `contains` on arrays).
    static func elementEquals(_ operand: JSON) -> SQLFragment {
        switch operand {
        case .null: return SQLFragment("e.type = 'null'")
        case .bool(let value): return SQLFragment("e.type = '\(value ? "true" : "false")'")
        case .string(let text): return SQLFragment("e.type = 'text' AND e.value = ?", [.text(text)])
        case .number(let number): return SQLFragment("e.type IN ('integer', 'real') AND e.value = ?", [bind(number)])
        case .array, .object:
            let kind = operand.arrayValue != nil ? "array" : "object"
            return SQLFragment("e.type = '\(kind)' AND e.value = json(?)", [.text(operand.serializedString())])
        }
    }

    // MARK: built-in fields

    static func builtIn(_ field: FilterField, _ op: FilterOperator, _ operand: JSON) -> SQLFragment {
        let column = column(field)
        switch op {
        case .exists: return SQLFragment(operand.boolValue == true ? "1" : "0")
        case .eq: return builtInEquals(field, column, operand)
        case .ne: return negate(builtInEquals(field, column, operand))
        case .in: return join((operand.arrayValue ?? []).map { builtInEquals(field, column, $0) }, orEmpty: "0")
        case .nin: return negate(join((operand.arrayValue ?? []).map { builtInEquals(field, column, $0) }, orEmpty: "0"))
        case .gt, .gte, .lt, .lte:
            guard let value = builtInValue(field, operand) else { return SQLFragment("0") }
            return SQLFragment("(\(column) \(comparison(op)) ?)", [value])
        case .contains:
            guard let text = operand.stringValue else { return SQLFragment("0") }
            return SQLFragment("(instr(\(column), ?) > 0)", [.text(text)])
        case .prefix:
            guard let text = operand.stringValue else { return SQLFragment("0") }
            return SQLFragment("(substr(\(column), 1, length(?)) = ?)", [.text(text), .text(text)])
        }
    }

    static func builtInEquals(_ field: FilterField, _ column: String, _ operand: JSON) -> SQLFragment {
        guard let value = builtInValue(field, operand) else { return SQLFragment("0") }
        return SQLFragment("(\(column) = ?)", [value])
    }

    /// The operand as the column's SQL value; `nil` when its JSON type cannot match the field's.
    static func builtInValue(_ field: FilterField, _ operand: JSON) -> DatabaseValue? {
        switch field {
        case .id, .type, .createdBy: return operand.stringValue.map { .text($0) }
        case .version: return operand.numberValue.map(bind)
        case .createdAt, .updatedAt:
            return operand.stringValue.flatMap { Timestamp(rfc3339: $0) }.map { .integer($0.milliseconds) }
        case .content: return nil
        }
    }

    static func column(_ field: FilterField) -> String {
        switch field {
        case .id: return "r.id"
        case .type: return "r.type"
        case .createdBy: return "r.created_by"
        case .createdAt: return "r.created_at"
        case .updatedAt: return "r.updated_at"
        case .version: return "r.version"
        case .content: return "r.content"
        }
    }

    // MARK: helpers

    /// A content field's JSON path as a SQL string literal (`'$."a"."b"'`). Safe to splice: the
    /// segments are validated (no `"`, no control characters, see ``FilterField``) and `'` is
    /// doubled. A literal rather than a bound argument, so expressions match the types' expression
    /// indexes (``TypeIndexes``).
    static func pathLiteral(_ field: FilterField) -> String? {
        field.jsonPath.map(textLiteral)
    }

    /// `text` as a SQL string literal: quoted, every `'` doubled. Only for text the server
    /// vouches for (validated paths, registered type ids); request values are bound.
    static func textLiteral(_ text: String) -> String {
        "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
    }

    /// `name` as a quoted SQL identifier, every `"` doubled.
    static func identifier(_ name: String) -> String {
        "\"" + name.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }

    static func join(_ parts: [SQLFragment], orEmpty empty: String) -> SQLFragment {
        parts.isEmpty ? SQLFragment(empty) : join(parts, with: "OR")
    }

    static func negate(_ fragment: SQLFragment) -> SQLFragment {
        SQLFragment("(NOT \(fragment.sql))", fragment.arguments)
    }

    static func comparison(_ op: FilterOperator) -> String {
        switch op {
        case .gt: return ">"
        case .gte: return ">="
        case .lt: return "<"
        default: return "<="
        }
    }

    static func bind(_ number: JSONNumber) -> DatabaseValue {
        switch number {
        case .int(let exact): return .integer(exact)
        case .double(let value): return .real(value)
        }
    }
}
