import Foundation

/// The assertions of the Validation vocabulary (JSON Schema Validation 2020-12 §6) and the
/// keyword dispatch.
extension SchemaValidator {
    mutating func evaluate(_ keyword: Keyword, _ value: JSON, _ annotations: inout Annotations?) -> Bool {
        switch keyword.kind {
        case .type(let mask):
            if mask.admits(value) { return true }
            report(keyword.path, "expected \(mask.description), got \(value.schemaKindName)")
            return false
        case .enumeration(let allowed):
            if allowed.contains(where: { $0.schemaEquals(value) }) { return true }
            report(keyword.path, "value is not one of the allowed values")
            return false
        case .constant(let expected):
            if value.schemaEquals(expected) { return true }
            report(keyword.path, "must be equal to \(expected.shortDescription)")
            return false
        case .multipleOf(let divisor):
            guard case .number(let n) = value else { return true }
            if SchemaValidator.isMultiple(n, of: divisor) { return true }
            report(keyword.path, "must be a multiple of \(divisor)")
            return false
        case .maximum(let limit):
            guard case .number(let n) = value, limit < n else { return true }
            report(keyword.path, "must be at most \(limit)")
            return false
        case .exclusiveMaximum(let limit):
            guard case .number(let n) = value, !(n < limit) else { return true }
            report(keyword.path, "must be less than \(limit)")
            return false
        case .minimum(let limit):
            guard case .number(let n) = value, n < limit else { return true }
            report(keyword.path, "must be at least \(limit)")
            return false
        case .exclusiveMinimum(let limit):
            guard case .number(let n) = value, !(limit < n) else { return true }
            report(keyword.path, "must be greater than \(limit)")
            return false
        case .maxLength(let limit):
            // Length in Unicode code points (Validation §6.3.1); UTF-8 length bounds it from above.
            guard case .string(let s) = value, s.utf8.count > limit, s.unicodeScalars.count > limit else { return true }
            report(keyword.path, "must be at most \(limit) \(limit == 1 ? "character" : "characters")")
            return false
        case .minLength(let limit):
            // A code point takes at most four UTF-8 bytes, so long strings pass without counting.
            guard case .string(let s) = value, s.utf8.count < limit &* 4, s.unicodeScalars.count < limit else {
                return true
            }
            report(keyword.path, "must be at least \(limit) \(limit == 1 ? "character" : "characters")")
            return false
        case .pattern(let regex):
            guard case .string(let s) = value, !regex.matches(s) else { return true }
            report(keyword.path, "must match the pattern \(JSON.string(regex.source).shortDescription)")
            return false
        case .maxItems(let limit):
            guard case .array(let a) = value, a.count > limit else { return true }
            report(keyword.path, "must have at most \(limit) \(limit == 1 ? "item" : "items")")
            return false
        case .minItems(let limit):
            guard case .array(let a) = value, a.count < limit else { return true }
            report(keyword.path, "must have at least \(limit) \(limit == 1 ? "item" : "items")")
            return false
        case .uniqueItems:
            guard case .array(let a) = value, let (i, j) = SchemaValidator.firstDuplicate(a) else { return true }
            report(keyword.path, "items must be unique (items \(i) and \(j) are equal)")
            return false
        case .maxProperties(let limit):
            guard case .object(let o) = value, o.count > limit else { return true }
            report(keyword.path, "must have at most \(limit) \(limit == 1 ? "property" : "properties")")
            return false
        case .minProperties(let limit):
            guard case .object(let o) = value, o.count < limit else { return true }
            report(keyword.path, "must have at least \(limit) \(limit == 1 ? "property" : "properties")")
            return false
        case .required(let names):
            guard case .object(let o) = value else { return true }
            var valid = true
            for name in names where o.position(of: name) == nil {
                valid = false
                report(keyword.path, "missing required property \(JSON.string(name).shortDescription)")
                if shortCircuit { break }
            }
            return valid
        case .dependentRequired(let dependencies):
            guard case .object(let o) = value else { return true }
            var valid = true
            for (trigger, names) in dependencies where o.position(of: trigger) != nil {
                for name in names where o.position(of: name) == nil {
                    valid = false
                    report(
                        keyword.path.appending(trigger),
                        "missing property \(JSON.string(name).shortDescription), required when \(JSON.string(trigger).shortDescription) is present")
                    if shortCircuit { return false }
                }
            }
            return valid
        case .format(let checker):
            guard case .string(let s) = value, !checker.check(s) else { return true }
            report(keyword.path, "must be a valid \(checker.rawValue)")
            return false
        default:
            return evaluateApplicator(keyword, value, &annotations)
        }
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
    /// Equality as JSON Schema defines it (Validation §4.2.2): numbers numerically, strings by
    /// code points — not by Swift's canonical equivalence, under which "é" equals "e\u{301}".
    func schemaEquals(_ other: JSON) -> Bool {
        switch (self, other) {
        case (.string(let a), .string(let b)):
            // `==` is canonical equivalence, coarser than code-point equality: a fast first test.
            return a == b && a.utf8.elementsEqual(b.utf8)
        case (.array(let a), .array(let b)):
            guard a.count == b.count else { return false }
            for i in a.indices where !a[i].schemaEquals(b[i]) { return false }
            return true
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            let bKeys = b.keys
            let bValues = b.values
            for (key, value) in a {
                guard let j = bKeys.firstIndex(where: { $0.utf8.elementsEqual(key.utf8) }),
                    value.schemaEquals(bValues[j])
                else { return false }
            }
            return true
        default:
            return self == other
        }
    }
}
