import StackJSON

/// Reads a ``RecordFilter`` from the JSON of a query body (SPEC §5). Every error is an
/// `invalidRequest` whose message starts with the JSON Pointer of the offending part, e.g.
/// `/where/and/1/content.priority: unknown operator "gtt"`.
public enum FilterParser {
    /// Parses `json`, found at `pointer` in the request body.
    public static func parse(_ json: JSON, at pointer: JSONPointer = JSONPointer(tokens: ["where"])) throws(StoreError) -> RecordFilter {
        guard case .object(let object) = json else { throw failure(pointer, "a filter must be an object") }
        var parts: [RecordFilter] = []
        for (key, value) in object.members {
            let here = pointer.appending(key)
            switch key {
            case "and", "or":
                guard case .array(let elements) = value else { throw failure(here, "\"\(key)\" takes an array of filters") }
                var children: [RecordFilter] = []
                for (index, element) in elements.enumerated() {
                    children.append(try parse(element, at: here.appending(index)))
                }
                parts.append(key == "and" ? .and(children) : .or(children))
            case "not":
                parts.append(.not(try parse(value, at: here)))
            default:
                guard let field = FilterField(key) else { throw failure(here, "unknown field \"\(key)\"") }
                parts.append(contentsOf: try conditions(field, value, at: here))
            }
        }
        return parts.count == 1 ? parts[0] : .and(parts)
    }

    /// `{"<field>": value}` (equality) or `{"<field>": {"<op>": value, …}}` (all must hold). An
    /// object value is always read as operators: compare with an object through `{"eq": {…}}`.
    static func conditions(_ field: FilterField, _ value: JSON, at pointer: JSONPointer) throws(StoreError) -> [RecordFilter] {
        guard case .object(let operators) = value else {
            try check(field, .eq, value, at: pointer)
            return [.condition(field, .eq, value)]
        }
        guard !operators.isEmpty else { throw failure(pointer, "an operator object needs at least one operator") }
        var result: [RecordFilter] = []
        for (name, operand) in operators.members {
            let here = pointer.appending(name)
            guard let op = FilterOperator(rawValue: name) else {
                throw failure(pointer, "unknown operator \"\(name)\" (expected one of "
                    + FilterOperator.allCases.map(\.rawValue).joined(separator: ", ") + ")")
            }
            try check(field, op, operand, at: here)
            result.append(.condition(field, op, operand))
        }
        return result
    }

    /// Operand shapes per operator, and the built-in fields' own rules.
    static func check(_ field: FilterField, _ op: FilterOperator, _ operand: JSON, at pointer: JSONPointer) throws(StoreError) {
        switch op {
        case .in, .nin:
            guard case .array(let elements) = operand else { throw failure(pointer, "\"\(op.rawValue)\" takes an array") }
            for (index, element) in elements.enumerated() {
                try checkScalar(field, element, at: pointer.appending(index))
            }
        case .exists:
            guard operand.boolValue != nil else { throw failure(pointer, "\"exists\" takes true or false") }
        case .prefix:
            guard operand.stringValue != nil else { throw failure(pointer, "\"prefix\" takes a string") }
            if field.isTimeOrNumber { throw failure(pointer, "\"prefix\" does not apply to \(field)") }
        case .contains:
            if field.isTimeOrNumber { throw failure(pointer, "\"contains\" does not apply to \(field)") }
            if !field.isContent && operand.stringValue == nil { throw failure(pointer, "\"contains\" on \(field) takes a string") }
        case .gt, .gte, .lt, .lte:
            switch operand {
            case .number, .string: break
            default: throw failure(pointer, "\"\(op.rawValue)\" takes a number or a string")
            }
            try checkScalar(field, operand, at: pointer)
        case .eq, .ne:
            try checkScalar(field, operand, at: pointer)
        }
    }

    /// `createdAt`/`updatedAt` operands must be RFC 3339 timestamps.
    static func checkScalar(_ field: FilterField, _ operand: JSON, at pointer: JSONPointer) throws(StoreError) {
        guard field == .createdAt || field == .updatedAt else { return }
        guard let text = operand.stringValue, Timestamp(rfc3339: text) != nil else {
            throw failure(pointer, "\(field) takes an RFC 3339 timestamp such as \"2026-11-22T10:00:00.000Z\"")
        }
    }

    static func failure(_ pointer: JSONPointer, _ message: String) -> StoreError {
        .invalidRequest("\(pointer): \(message)")
    }
}

extension FilterField {
    var isContent: Bool { if case .content = self { return true } else { return false } }
    var isTimeOrNumber: Bool { self == .createdAt || self == .updatedAt || self == .version }
}
