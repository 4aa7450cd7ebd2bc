/// The Core `$ref`/`$dynamicRef`, Applicator and Unevaluated vocabularies (JSON Schema Core
/// 2020-12 §8.2.3, §10, §11).
extension SchemaValidator {
    mutating func evaluateApplicator(_ keyword: Keyword, _ value: JSON, _ annotations: inout Annotations?) -> Bool {
        switch keyword.kind {
        case .ref(let target):
            return follow(target, value, &annotations, keyword)
        case .dynamicRef(let target, let anchor):
            // §8.2.3.2: the outermost resource in the dynamic scope with this $dynamicAnchor.
            var resolved = target
            for resource in scope {
                if let node = program.dynamicAnchors[resource][anchor] {
                    resolved = node
                    break
                }
            }
            return follow(resolved, value, &annotations, keyword)
        case .allOf(let subschemas):
            var valid = true
            for s in subschemas where !evaluate(s, value, &annotations) {
                valid = false
                if shortCircuit { break }
            }
            return valid
        case .anyOf(let subschemas):
            var matched = false
            for s in subschemas where evaluateSilently(s, value, &annotations) {
                matched = true
                if annotations == nil { break }  // all branches only matter for annotations
            }
            if !matched { report(keyword.path, "must match at least one schema in anyOf") }
            return matched
        case .oneOf(let subschemas):
            var first: Int? = nil
            for (i, s) in subschemas.enumerated() where evaluateSilently(s, value, &annotations) {
                if let first {
                    report(keyword.path, "must match exactly one schema in oneOf, but matches \(first) and \(i)")
                    return false
                }
                first = i
            }
            if first == nil { report(keyword.path, "must match exactly one schema in oneOf, but matches none") }
            return first != nil
        case .not(let s):
            var none: Annotations? = nil
            guard evaluateSilently(s, value, &none) else { return true }
            report(keyword.path, "must not match the schema in \"not\"")
            return false
        case .conditional(let ifNode, let thenNode, let elseNode, _, _):
            if evaluateSilently(ifNode, value, &annotations) {
                guard let thenNode else { return true }
                return evaluate(thenNode, value, &annotations)
            } else {
                guard let elseNode else { return true }
                return evaluate(elseNode, value, &annotations)
            }
        case .dependentSchemas(let dependencies):
            guard case .object(let o) = value else { return true }
            var valid = true
            for (trigger, s) in dependencies where o.position(of: trigger) != nil {
                if !evaluate(s, value, &annotations) {
                    valid = false
                    if shortCircuit { break }
                }
            }
            return valid
        case .objectMembers(let members):
            guard case .object(let o) = value else { return true }
            return evaluateMembers(members, o, &annotations)
        case .arrayItems(let prefix, let items, let itemsPath):
            guard case .array(let a) = value else { return true }
            var valid = true
            for (i, s) in prefix.enumerated() where i < a.count {
                if !evaluateChild(s, a[i], .index(i)) {
                    valid = false
                    if shortCircuit { return false }
                }
                annotations?.marks[i] = true
            }
            if let items, a.count > prefix.count {
                if isFalse(items) {
                    let n = prefix.count
                    report(itemsPath, n == 0 ? "must be an empty array" : "must have at most \(n) \(n == 1 ? "item" : "items")")
                    return false
                }
                for i in prefix.count..<a.count where !evaluateChild(items, a[i], .index(i)) {
                    valid = false
                    if shortCircuit { return false }
                }
                annotations?.all = true
            }
            return valid
        case .contains(let s, let minimum, let maximum, let minPath, let maxPath):
            guard case .array(let a) = value else { return true }
            var count = 0
            for (i, element) in a.enumerated() {
                silent += 1
                let ok = evaluateChild(s, element, .index(i))
                silent -= 1
                if ok {
                    count += 1
                    annotations?.marks[i] = true
                    if annotations == nil && maximum == nil && count >= minimum { break }
                }
            }
            if count < minimum {
                report(minPath, minimum == 1
                    ? "must contain at least one item matching \"contains\""
                    : "must contain at least \(minimum) items matching \"contains\" (found \(count))")
                return false
            }
            if let maximum, count > maximum {
                report(maxPath, "must contain at most \(maximum) \(maximum == 1 ? "item" : "items") matching \"contains\" (found \(count))")
                return false
            }
            return true
        case .propertyNames(let s):
            guard case .object(let o) = value else { return true }
            var valid = true
            for key in o.keys {
                let before = errors.count
                if !evaluateChild(s, .string(key), .key(key)) {
                    valid = false
                    for e in before..<errors.count {
                        errors[e].message = "property name \(JSON.string(key).shortDescription): " + errors[e].message
                    }
                    if shortCircuit { return false }
                }
            }
            return valid
        case .unevaluatedProperties(let s):
            guard case .object(let o) = value, let evaluated = annotations else { return true }
            var valid = true
            for (i, key) in o.keys.enumerated() where !evaluated.isEvaluated(i) {
                if isFalse(s) {
                    report(keyword.path, "property \(JSON.string(key).shortDescription) is not allowed", extra: .key(key))
                    valid = false
                } else if !evaluateChild(s, o.values[i], .key(key)) {
                    valid = false
                }
                if !valid && shortCircuit { return false }
            }
            if valid { annotations?.all = true }
            return valid
        case .unevaluatedItems(let s):
            guard case .array(let a) = value, let evaluated = annotations else { return true }
            var valid = true
            for i in a.indices where !evaluated.isEvaluated(i) {
                if isFalse(s) {
                    report(keyword.path, "item \(i) is not allowed", extra: .index(i))
                    valid = false
                } else if !evaluateChild(s, a[i], .index(i)) {
                    valid = false
                }
                if !valid && shortCircuit { return false }
            }
            if valid { annotations?.all = true }
            return valid
        default:
            return true
        }
    }

    /// `properties`, `patternProperties`, `additionalProperties` over the members, in member order.
    mutating func evaluateMembers(_ m: ObjectMembers, _ o: JSONObject, _ annotations: inout Annotations?) -> Bool {
        var valid = true
        var hint = 0
        let keys = o.keys
        let values = o.values
        for i in keys.indices {
            let key = keys[i]
            let member = values[i]
            var matched = false
            if let s = m.property(named: key, hint: &hint) {
                matched = true
                if !evaluateChild(s, member, .key(key)) {
                    valid = false
                    if shortCircuit { return false }
                }
            }
            for p in m.patterns where p.regex.matches(key) {
                matched = true
                if !evaluateChild(p.node, member, .key(key)) {
                    valid = false
                    if shortCircuit { return false }
                }
            }
            if !matched, let additional = m.additional {
                matched = true
                if isFalse(additional) {
                    report(m.additionalPath, "property \(JSON.string(key).shortDescription) is not allowed", extra: .key(key))
                    valid = false
                    if shortCircuit { return false }
                } else if !evaluateChild(additional, member, .key(key)) {
                    valid = false
                    if shortCircuit { return false }
                }
            }
            if matched { annotations?.marks[i] = true }
        }
        return valid
    }
}
