/// The Core `$ref`/`$dynamicRef`, Applicator and Unevaluated vocabularies (JSON Schema Core
/// 2020-12 §8.2.3, §10, §11). Each applicator is its own function so that deep recursion through
/// them costs little stack, even in debug builds.
extension SchemaValidator {
    /// Dispatches without binding payloads: each case's function extracts its own, so this
    /// frame (on the recursion path) stays small even in debug builds.
    mutating func evaluateApplicator(_ keyword: Keyword, _ value: JSON, _ annotations: inout Annotations?) -> Bool {
        switch keyword.kind {
        case .ref, .dynamicRef: return applyRef(keyword, value, &annotations)
        case .allOf: return applyAllOf(keyword, value, &annotations)
        case .anyOf: return applyAnyOf(keyword, value, &annotations)
        case .oneOf: return applyOneOf(keyword, value, &annotations)
        case .not: return applyNot(keyword, value)
        case .conditional: return applyConditional(keyword, value, &annotations)
        case .dependentSchemas: return applyDependentSchemas(keyword, value, &annotations)
        case .objectMembers: return applyObjectMembers(keyword, value, &annotations)
        case .arrayItems: return applyArrayItems(keyword, value, &annotations)
        case .contains: return applyContains(keyword, value, &annotations)
        case .propertyNames: return applyPropertyNames(keyword, value)
        case .unevaluatedProperties: return applyUnevaluatedProperties(keyword, value, &annotations)
        case .unevaluatedItems: return applyUnevaluatedItems(keyword, value, &annotations)
        default: return true
        }
    }

    mutating func applyRef(_ keyword: Keyword, _ value: JSON, _ annotations: inout Annotations?) -> Bool {
        switch keyword.kind {
        case .ref(let target): return follow(target, value, &annotations, keyword)
        case .dynamicRef(let target, let anchor): return follow(dynamicTarget(target, anchor), value, &annotations, keyword)
        default: return true
        }
    }

    mutating func applyAllOf(_ keyword: Keyword, _ value: JSON, _ annotations: inout Annotations?) -> Bool {
        guard case .allOf(let subschemas) = keyword.kind else { return true }
        return evaluateAllOf(subschemas, value, &annotations)
    }

    mutating func applyAnyOf(_ keyword: Keyword, _ value: JSON, _ annotations: inout Annotations?) -> Bool {
        guard case .anyOf(let subschemas) = keyword.kind else { return true }
        return evaluateAnyOf(keyword, subschemas, value, &annotations)
    }

    mutating func applyOneOf(_ keyword: Keyword, _ value: JSON, _ annotations: inout Annotations?) -> Bool {
        guard case .oneOf(let subschemas) = keyword.kind else { return true }
        return evaluateOneOf(keyword, subschemas, value, &annotations)
    }

    mutating func applyNot(_ keyword: Keyword, _ value: JSON) -> Bool {
        guard case .not(let s) = keyword.kind else { return true }
        var none: Annotations? = nil
        return !evaluateSilently(s, value, &none) || fail(keyword, value)
    }

    /// §10.2.2.1: "if" only selects; its annotations count when it holds.
    mutating func applyConditional(_ keyword: Keyword, _ value: JSON, _ annotations: inout Annotations?) -> Bool {
        guard case .conditional(let ifNode, let thenNode, let elseNode) = keyword.kind else { return true }
        if evaluateSilently(ifNode, value, &annotations) {
            guard let thenNode else { return true }
            return evaluate(thenNode, value, &annotations)
        }
        guard let elseNode else { return true }
        return evaluate(elseNode, value, &annotations)
    }

    mutating func applyDependentSchemas(_ keyword: Keyword, _ value: JSON, _ annotations: inout Annotations?) -> Bool {
        guard case .dependentSchemas(let dependencies) = keyword.kind, case .object(let o) = value else { return true }
        return evaluateDependentSchemas(dependencies, o, value, &annotations)
    }

    mutating func applyObjectMembers(_ keyword: Keyword, _ value: JSON, _ annotations: inout Annotations?) -> Bool {
        guard case .objectMembers(let members) = keyword.kind, case .object(let o) = value else { return true }
        return evaluateMembers(members, o, &annotations)
    }

    mutating func applyArrayItems(_ keyword: Keyword, _ value: JSON, _ annotations: inout Annotations?) -> Bool {
        guard case .arrayItems(let prefix, let items, let itemsPath) = keyword.kind, case .array(let a) = value else {
            return true
        }
        return evaluateItems(prefix, items, itemsPath, a, &annotations)
    }

    mutating func applyContains(_ keyword: Keyword, _ value: JSON, _ annotations: inout Annotations?) -> Bool {
        guard case .contains(let s, let minimum, let maximum, let minPath, let maxPath) = keyword.kind,
            case .array(let a) = value
        else { return true }
        return evaluateContains(s, minimum, maximum, minPath, maxPath, a, &annotations)
    }

    mutating func applyPropertyNames(_ keyword: Keyword, _ value: JSON) -> Bool {
        guard case .propertyNames(let s) = keyword.kind, case .object(let o) = value else { return true }
        return evaluatePropertyNames(s, o)
    }

    mutating func applyUnevaluatedProperties(_ keyword: Keyword, _ value: JSON, _ annotations: inout Annotations?) -> Bool {
        guard case .unevaluatedProperties(let s) = keyword.kind, case .object(let o) = value,
            let evaluated = annotations
        else { return true }
        return evaluateUnevaluatedProperties(keyword, s, o, evaluated, &annotations)
    }

    mutating func applyUnevaluatedItems(_ keyword: Keyword, _ value: JSON, _ annotations: inout Annotations?) -> Bool {
        guard case .unevaluatedItems(let s) = keyword.kind, case .array(let a) = value, let evaluated = annotations else {
            return true
        }
        return evaluateUnevaluatedItems(keyword, s, a, evaluated, &annotations)
    }

    /// §8.2.3.2: the outermost resource in the dynamic scope with this `$dynamicAnchor`, else
    /// the statically resolved target.
    func dynamicTarget(_ target: Int, _ anchor: String) -> Int {
        for resource in scope {
            if let node = program.dynamicAnchors[resource][anchor] { return node }
        }
        return target
    }

    mutating func evaluateAllOf(_ subschemas: [Int], _ value: JSON, _ annotations: inout Annotations?) -> Bool {
        var valid = true
        for s in subschemas where !evaluate(s, value, &annotations) {
            valid = false
            if shortCircuit { break }
        }
        return valid
    }

    mutating func evaluateAnyOf(_ keyword: Keyword, _ subschemas: [Int], _ value: JSON, _ annotations: inout Annotations?) -> Bool {
        var matched = false
        for s in subschemas where evaluateSilently(s, value, &annotations) {
            matched = true
            if annotations == nil { break }  // every branch only matters for annotations
        }
        return matched || fail(keyword, value)
    }

    mutating func evaluateOneOf(_ keyword: Keyword, _ subschemas: [Int], _ value: JSON, _ annotations: inout Annotations?) -> Bool {
        var first: Int? = nil
        for (i, s) in subschemas.enumerated() where evaluateSilently(s, value, &annotations) {
            if let first { return fail(keyword, value, first: first, second: i) }
            first = i
        }
        return first != nil || fail(keyword, value)
    }

    mutating func evaluateDependentSchemas(
        _ dependencies: [(String, Int)], _ o: JSONObject, _ value: JSON, _ annotations: inout Annotations?
    ) -> Bool {
        var valid = true
        for (trigger, s) in dependencies where MemberLookup.position(of: trigger, in: o) != nil {
            if !evaluate(s, value, &annotations) {
                valid = false
                if shortCircuit { break }
            }
        }
        return valid
    }

    /// `properties`, `patternProperties`, `additionalProperties` over the members, in member order.
    mutating func evaluateMembers(_ m: ObjectMembers, _ o: JSONObject, _ annotations: inout Annotations?) -> Bool {
        var valid = true
        var hint = 0
        let members = o.members
        for i in members.indices {
            let (key, member) = members[i]
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
                    reportNotAllowed(m.additionalPath, key)
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

    @inline(never)
    mutating func reportNotAllowed(_ keywordPath: JSONPointer, _ key: String) {
        report(keywordPath, "property \(JSON.string(key).shortDescription) is not allowed", extra: .key(key))
    }

    mutating func evaluateItems(
        _ prefix: [Int], _ items: Int?, _ itemsPath: JSONPointer, _ a: [JSON], _ annotations: inout Annotations?
    ) -> Bool {
        var valid = true
        for (i, s) in prefix.enumerated() where i < a.count {
            if !evaluateChild(s, a[i], .index(i)) {
                valid = false
                if shortCircuit { return false }
            }
            annotations?.marks[i] = true
        }
        guard let items, a.count > prefix.count else { return valid }
        if isFalse(items) {
            reportTooManyItems(itemsPath, prefix.count)
            return false
        }
        for i in prefix.count..<a.count where !evaluateChild(items, a[i], .index(i)) {
            valid = false
            if shortCircuit { return false }
        }
        annotations?.all = true
        return valid
    }

    @inline(never)
    mutating func reportItemNotAllowed(_ keywordPath: JSONPointer, _ i: Int) {
        report(keywordPath, "item \(i) is not allowed", extra: .index(i))
    }

    @inline(never)
    mutating func reportTooManyItems(_ keywordPath: JSONPointer, _ n: Int) {
        report(keywordPath, n == 0 ? "must be an empty array" : "must have at most \(n) \(n == 1 ? "item" : "items")")
    }

    mutating func evaluateContains(
        _ s: Int, _ minimum: Int, _ maximum: Int?, _ minPath: JSONPointer, _ maxPath: JSONPointer, _ a: [JSON],
        _ annotations: inout Annotations?
    ) -> Bool {
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
            reportContains(minPath, minimum == 1
                ? "must contain at least one item matching \"contains\""
                : "must contain at least \(minimum) items matching \"contains\" (found \(count))")
            return false
        }
        if let maximum, count > maximum {
            reportContains(maxPath, "must contain at most \(maximum) \(maximum == 1 ? "item" : "items") matching \"contains\" (found \(count))")
            return false
        }
        return true
    }

    @inline(never)
    mutating func reportContains(_ keywordPath: JSONPointer, _ message: @autoclosure () -> String) {
        report(keywordPath, message())
    }

    /// Errors about a name are reported at that member, prefixed with the name.
    @inline(never)
    mutating func evaluatePropertyNames(_ s: Int, _ o: JSONObject) -> Bool {
        var valid = true
        for (key, _) in o.members {
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
    }

    mutating func evaluateUnevaluatedProperties(
        _ keyword: Keyword, _ s: Int, _ o: JSONObject, _ evaluated: Annotations, _ annotations: inout Annotations?
    ) -> Bool {
        var valid = true
        let members = o.members
        for i in members.indices where !evaluated.isEvaluated(i) {
            if isFalse(s) {
                reportNotAllowed(keyword.path, members[i].key)
                valid = false
            } else if !evaluateChild(s, members[i].value, .key(members[i].key)) {
                valid = false
            }
            if !valid && shortCircuit { return false }
        }
        if valid { annotations?.all = true }
        return valid
    }

    mutating func evaluateUnevaluatedItems(
        _ keyword: Keyword, _ s: Int, _ a: [JSON], _ evaluated: Annotations, _ annotations: inout Annotations?
    ) -> Bool {
        var valid = true
        for i in a.indices where !evaluated.isEvaluated(i) {
            if isFalse(s) {
                reportItemNotAllowed(keyword.path, i)
                valid = false
            } else if !evaluateChild(s, a[i], .index(i)) {
                valid = false
            }
            if !valid && shortCircuit { return false }
        }
        if valid { annotations?.all = true }
        return valid
    }
}
