import Foundation

/// The assertions of the Validation vocabulary (JSON Schema Validation 2020-12 §6) and the
/// keyword dispatch.
extension SchemaValidator {
    /// Evaluates one keyword. Assertions are one-liners here; messages are built out of line in
    /// ``fail(_:_:name:first:second:)`` so the hot path keeps a small stack frame.
    @inline(__always)
    mutating func evaluate(_ keyword: Keyword, _ value: JSON, _ annotations: inout Annotations?) -> Bool {
        keyword.isApplicator ? evaluateApplicator(keyword, value, &annotations) : evaluateAssertion(keyword, value)
    }

    /// Evaluates an assertion keyword (one that applies no subschema).
    mutating func evaluateAssertion(_ keyword: Keyword, _ value: JSON) -> Bool {
        switch keyword.kind {
        case .type(let mask):
            return mask.admits(value) || fail(keyword, value)
        case .enumeration(let allowed):
            return allowed.contains(where: { $0.schemaEquals(value) }) || fail(keyword, value)
        case .constant(let expected):
            return value.schemaEquals(expected) || fail(keyword, value)
        case .multipleOf(let divisor):
            guard case .number(let n) = value else { return true }
            return SchemaValidator.isMultiple(n, of: divisor) || fail(keyword, value)
        case .maximum(let limit):
            guard case .number(let n) = value else { return true }
            return !(limit < n) || fail(keyword, value)
        case .exclusiveMaximum(let limit):
            guard case .number(let n) = value else { return true }
            return n < limit || fail(keyword, value)
        case .minimum(let limit):
            guard case .number(let n) = value else { return true }
            return !(n < limit) || fail(keyword, value)
        case .exclusiveMinimum(let limit):
            guard case .number(let n) = value else { return true }
            return limit < n || fail(keyword, value)
        case .maxLength(let limit):
            // Length in Unicode code points (Validation §6.3.1); UTF-8 length bounds it from above.
            guard case .string(let s) = value, s.utf8.count > limit else { return true }
            return s.unicodeScalars.count <= limit || fail(keyword, value)
        case .minLength(let limit):
            // A code point takes at most four UTF-8 bytes, so long strings pass without counting.
            guard case .string(let s) = value, s.utf8.count < limit &* 4 else { return true }
            return s.unicodeScalars.count >= limit || fail(keyword, value)
        case .pattern(let regex):
            guard case .string(let s) = value else { return true }
            return regex.matches(s) || fail(keyword, value)
        case .maxItems(let limit):
            guard case .array(let a) = value else { return true }
            return a.count <= limit || fail(keyword, value)
        case .minItems(let limit):
            guard case .array(let a) = value else { return true }
            return a.count >= limit || fail(keyword, value)
        case .uniqueItems:
            guard case .array(let a) = value else { return true }
            return SchemaValidator.firstDuplicate(a) == nil || fail(keyword, value)
        case .maxProperties(let limit):
            guard case .object(let o) = value else { return true }
            return o.count <= limit || fail(keyword, value)
        case .minProperties(let limit):
            guard case .object(let o) = value else { return true }
            return o.count >= limit || fail(keyword, value)
        case .required(let names):
            guard case .object(let o) = value else { return true }
            return checkRequired(keyword, names, o)
        case .dependentRequired(let dependencies):
            guard case .object(let o) = value else { return true }
            return checkDependentRequired(keyword, dependencies, o)
        case .format(let checker):
            guard case .string(let s) = value else { return true }
            return checker.check(s) || fail(keyword, value)
        default:
            return true
        }
    }

    /// Reports the failure of `keyword` on `value` with a message an app developer can act on;
    /// always returns `false`.
    @inline(never)
    mutating func fail(_ keyword: Keyword, _ value: JSON, name: String = "", first: Int = 0, second: Int = 0) -> Bool {
        guard !quiet, !stopped else { return false }
        func plural(_ n: Int, _ one: String, _ many: String) -> String { "\(n) \(n == 1 ? one : many)" }
        let message: String
        switch keyword.kind {
        case .type(let mask): message = "expected \(mask.description), got \(value.schemaKindName)"
        case .enumeration: message = "value is not one of the allowed values"
        case .constant(let expected): message = "must be equal to \(expected.shortDescription)"
        case .multipleOf(let divisor): message = "must be a multiple of \(divisor)"
        case .maximum(let limit): message = "must be at most \(limit)"
        case .exclusiveMaximum(let limit): message = "must be less than \(limit)"
        case .minimum(let limit): message = "must be at least \(limit)"
        case .exclusiveMinimum(let limit): message = "must be greater than \(limit)"
        case .maxLength(let limit): message = "must be at most \(plural(limit, "character", "characters"))"
        case .minLength(let limit): message = "must be at least \(plural(limit, "character", "characters"))"
        case .pattern(let regex): message = "must match the pattern \(JSON.string(regex.source).shortDescription)"
        case .maxItems(let limit): message = "must have at most \(plural(limit, "item", "items"))"
        case .minItems(let limit): message = "must have at least \(plural(limit, "item", "items"))"
        case .uniqueItems:
            let (i, j) = value.arrayValue.flatMap(SchemaValidator.firstDuplicate) ?? (0, 0)
            message = "items must be unique (items \(i) and \(j) are equal)"
        case .maxProperties(let limit): message = "must have at most \(plural(limit, "property", "properties"))"
        case .minProperties(let limit): message = "must have at least \(plural(limit, "property", "properties"))"
        case .required: message = "missing required property \(JSON.string(name).shortDescription)"
        case .format(let checker): message = "must be a valid \(checker.rawValue)"
        case .anyOf: message = "must match at least one schema in anyOf"
        case .oneOf:
            message = first == second
                ? "must match exactly one schema in oneOf, but matches none"
                : "must match exactly one schema in oneOf, but matches \(first) and \(second)"
        case .not: message = "must not match the schema in \"not\""
        default: message = "is not valid"
        }
        report(keyword.path, message)
        return false
    }

    mutating func checkRequired(_ keyword: Keyword, _ names: [String], _ o: JSONObject) -> Bool {
        // Members usually come in the order `required` lists them: look from the last match on.
        var valid = true
        var hint = 0
        let members = o.members
        let large = members.count > 24
        for name in names {
            if large {
                if o.position(of: name) != nil { continue }
            } else if let i = MemberLookup.position(of: name, in: members, from: hint) {
                hint = i + 1
                continue
            }
            valid = fail(keyword, .null, name: name)
            if shortCircuit { break }
        }
        return valid
    }

    @inline(never)
    mutating func checkDependentRequired(_ keyword: Keyword, _ dependencies: [(String, [String])], _ o: JSONObject) -> Bool {
        var valid = true
        for (trigger, names) in dependencies where MemberLookup.position(of: trigger, in: o) != nil {
            for name in names where MemberLookup.position(of: name, in: o) == nil {
                valid = false
                report(
                    keyword.path.appending(trigger),
                    "missing property \(JSON.string(name).shortDescription), required when \(JSON.string(trigger).shortDescription) is present")
                if shortCircuit { return false }
            }
        }
        return valid
    }

    /// Whether `n` is an integer multiple of `divisor` (Validation §6.2.1), exactly for integers
    /// and in decimal arithmetic otherwise, so that 0.0075 is a multiple of 0.0001.
    static func isMultiple(_ n: JSONNumber, of divisor: JSONNumber) -> Bool {
        if case .int(let a) = n, case .int(let b) = divisor { return b != 0 && a % b == 0 }
        let quotient = n.doubleValue / divisor.doubleValue
        // On overflow the remainder (exact in binary floating point) decides: 1e308 is a multiple of 0.5.
        guard quotient.isFinite else { return n.doubleValue.truncatingRemainder(dividingBy: divisor.doubleValue) == 0 }
        if quotient.rounded() == quotient && abs(quotient) >= 1e15 { return true }
        guard let x = Decimal(string: n.description), let d = Decimal(string: divisor.description) else {
            return quotient.rounded() == quotient
        }
        var q = x / d
        var rounded = Decimal()
        NSDecimalRound(&rounded, &q, 0, .plain)
        return rounded == q
    }

    /// The first pair of equal elements (numeric equality, order-free objects), if any.
    static func firstDuplicate(_ a: [JSON]) -> (Int, Int)? {
        if a.count <= 16 {
            for i in a.indices {
                for j in (i + 1)..<a.count where a[i].schemaEquals(a[j]) { return (i, j) }
            }
            return nil
        }
        // Swift's hashing agrees with `==`, which is coarser than `schemaEquals`: use it to find
        // candidates, then confirm.
        var seen: [JSON: [Int]] = [:]
        for (j, e) in a.enumerated() {
            if let i = seen[e]?.first(where: { a[$0].schemaEquals(e) }) { return (i, j) }
            seen[e, default: []].append(j)
        }
        return nil
    }
}

extension JSON {
    /// The type name used in messages ("number" for every number).
    var schemaKindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// The compact serialization, cut short for messages.
    var shortDescription: String {
        let text = serializedString()
        guard text.count > 60 else { return text }
        return String(text.prefix(57)) + "..."
    }
}

extension JSON {
    /// Equality as JSON Schema defines it (Validation §4.2.2): numbers numerically, strings and
    /// keys by code points — which is ``JSON``'s own `==`.
    @inline(__always) func schemaEquals(_ other: JSON) -> Bool { self == other }
}

/// Member lookup by exact UTF-8 bytes, without allocating, for the small objects that dominate.
enum MemberLookup {
    /// Whether `a` and `b` have the same Unicode scalars (the same UTF-8 bytes).
    @inline(__always) static func same(_ a: String, _ b: String) -> Bool {
        // `==` (canonical equivalence) is necessary for byte equality and fast when it holds;
        // the byte comparison then only has to confirm it.
        guard a.utf8.count == b.utf8.count, a == b else { return false }
        let bytesEqual: Bool?? = a.utf8.withContiguousStorageIfAvailable { pa in
            b.utf8.withContiguousStorageIfAvailable { pb in
                pa.count == 0 || memcmp(pa.baseAddress!, pb.baseAddress!, pa.count) == 0
            }
        }
        if let known = bytesEqual ?? nil { return known }
        return a.utf8.elementsEqual(b.utf8)
    }

    /// The position of member `key` in `members`, scanning circularly from `start`.
    @inline(__always) static func position(of key: String, in members: [JSONObject.Member], from start: Int) -> Int? {
        let n = members.count
        var i = start < n ? start : 0
        for _ in 0..<n {
            if same(members[i].key, key) { return i }
            i += 1
            if i == n { i = 0 }
        }
        return nil
    }

    /// The position of member `key` in `object`.
    @inline(__always) static func position(of key: String, in object: JSONObject) -> Int? {
        if object.count > 24 { return object.position(of: key) }
        let members = object.members
        for i in members.indices where same(members[i].key, key) { return i }
        return nil
    }
}
