import StackJSON

/// Compiles a ``RecordFilter`` into a parameterised SQL predicate over the `records` row `r`
/// (SPEC §5): every value is a bound argument; content paths are validated (``FilterField``) and
/// written as escaped SQL string literals (``pathLiteral(_:)``), so they can match the types'
/// expression indexes. Each predicate is two-valued (0/1, never NULL), so `not` negates exactly.
enum QueryCompiler {
    static func compile(_ filter: RecordFilter) -> SQLFragment {
        switch filter {
        case .and(let children):
            guard !children.isEmpty else { return SQLFragment("1") }
            return join(children.map(compile), with: "AND")
        case .or(let children):
            guard !children.isEmpty else { return SQLFragment("0") }
            return join(children.map(compile), with: "OR")
        case .not(let child):
            let inner = compile(child)
            return SQLFragment("(NOT \(inner.sql))", inner.arguments)
        case .condition(let field, let op, let operand):
            if let path = pathLiteral(field) {
                return content(path: path, op, operand)
            }
            return builtIn(field, op, operand)
        }
    }

    static func join(_ parts: [SQLFragment], with connective: String) -> SQLFragment {
        SQLFragment("(" + parts.map(\.sql).joined(separator: " \(connective) ") + ")", parts.flatMap(\.arguments))
    }

    // MARK: content fields

    static func content(path: String, _ op: FilterOperator, _ operand: JSON) -> SQLFragment {
        let p = path
        switch op {
        case .eq: return contentEquals(p, operand)
        case .ne: return negate(contentEquals(p, operand))
        case .in: return join((operand.arrayValue ?? []).map { contentEquals(p, $0) }, orEmpty: "0")
        case .nin: return negate(join((operand.arrayValue ?? []).map { contentEquals(p, $0) }, orEmpty: "0"))
        case .exists:
            return SQLFragment("(json_type(r.content, \(p)) IS \(operand.boolValue == true ? "NOT NULL" : "NULL"))")
        case .gt, .gte, .lt, .lte:
            let symbol = comparison(op)
            switch operand {
            case .number(let number):
                return SQLFragment(
                    "(IFNULL(json_type(r.content, \(p)) IN ('integer', 'real'), 0) AND json_extract(r.content, \(p)) \(symbol) ?)",
                    [bind(number)])
            case .string(let text):
                return SQLFragment("(json_type(r.content, \(p)) IS 'text' AND json_extract(r.content, \(p)) \(symbol) ?)", [.text(text)])
            default: return SQLFragment("0")
            }
        case .prefix:
            let text = DatabaseValue.text(operand.stringValue ?? "")
            return SQLFragment(
                "(json_type(r.content, \(p)) IS 'text' AND substr(json_extract(r.content, \(p)), 1, length(?)) = ?)", [text, text])
        case .contains:
            let element = elementEquals(operand)
            var sql = "(json_type(r.content, \(p)) IS 'array' AND EXISTS (SELECT 1 FROM json_each(r.content, \(p)) e WHERE \(element.sql)))"
            var arguments = element.arguments
            if let text = operand.stringValue {
                sql = "((json_type(r.content, \(p)) IS 'text' AND instr(json_extract(r.content, \(p)), ?) > 0) OR \(sql))"
                arguments = [.text(text)] + arguments
            }
            return SQLFragment(sql, arguments)
        }
    }

    /// Equality that never matches across JSON types (SPEC §5).
    static func contentEquals(_ p: String, _ operand: JSON) -> SQLFragment {
        switch operand {
        case .null: return SQLFragment("(json_type(r.content, \(p)) IS 'null')")
        case .bool(let value): return SQLFragment("(json_type(r.content, \(p)) IS '\(value ? "true" : "false")')")
        case .string(let text):
            return SQLFragment("(json_type(r.content, \(p)) IS 'text' AND json_extract(r.content, \(p)) = ?)", [.text(text)])
        case .number(let number):
            return SQLFragment(
                "(IFNULL(json_type(r.content, \(p)) IN ('integer', 'real'), 0) AND json_extract(r.content, \(p)) = ?)", [bind(number)])
        case .array, .object:
            let kind = operand.arrayValue != nil ? "array" : "object"
            return SQLFragment(
                "(json_type(r.content, \(p)) IS '\(kind)' AND json_extract(r.content, \(p)) = json(?))",
                [.text(operand.serializedString())])
        }
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
        guard let path = field.jsonPath else { return nil }
        return "'" + path.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
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
