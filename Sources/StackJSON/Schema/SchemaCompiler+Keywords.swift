/// Compiling one object schema's keywords (JSON Schema Core and Validation 2020-12).
extension SchemaCompiler {
    /// Compiles the keywords of `object`, in schema order with `unevaluated*` last (Core §11
    /// requires them to see every adjacent keyword's annotations). Unknown keywords are ignored.
    mutating func compileKeywords(_ object: JSONObject, at location: SchemaLocation) throws(SchemaError) -> [Keyword] {
        let vocab = documents[location.doc].vocabularies
        let here = location.pointer
        var keywords: [Keyword] = []
        var last: [Keyword] = []
        var didObjectMembers = false
        var didArrayItems = false

        func path(_ key: String) -> JSONPointer { here.appending(key) }
        func invalid(_ key: String, _ message: String) -> SchemaError { SchemaError(path: path(key), message: message) }
        func nonNegativeInteger(_ key: String, _ value: JSON) throws(SchemaError) -> Int {
            guard case .number(let n) = value, let i = n.int64Value, i >= 0 else {
                throw invalid(key, "\"\(key)\" must be a non-negative integer")
            }
            return Int(clamping: i)
        }
        func number(_ key: String, _ value: JSON) throws(SchemaError) -> JSONNumber {
            guard case .number(let n) = value else { throw invalid(key, "\"\(key)\" must be a number") }
            return n
        }
        func stringArray(_ key: String, _ value: JSON) throws(SchemaError) -> [String] {
            guard case .array(let elements) = value else { throw invalid(key, "\"\(key)\" must be an array of strings") }
            var out: [String] = []
            for e in elements {
                guard case .string(let s) = e else { throw invalid(key, "\"\(key)\" must be an array of strings") }
                out.append(s)
            }
            return out
        }

        for (key, value) in object {
            let kp = path(key)
            switch key {
            // MARK: Core
            case "$ref":
                guard case .string(let ref) = value else { throw invalid(key, "\"$ref\" must be a string") }
                let (target, _) = try resolve(reference: ref, from: location, keyword: key)
                keywords.append(Keyword(path: kp, kind: .ref(try compile(target))))
            case "$dynamicRef":
                guard case .string(let ref) = value else { throw invalid(key, "\"$dynamicRef\" must be a string") }
                let (target, fragment) = try resolve(reference: ref, from: location, keyword: key)
                let node = try compile(target)
                // Core §8.2.3.2: dynamic only when the initial target bears a matching $dynamicAnchor.
                let targetValue = target.pointer.resolve(in: documents[target.doc].json)
                if !fragment.isEmpty, !fragment.hasPrefix("/"), targetValue?["$dynamicAnchor"] == .string(fragment) {
                    dynamicNames.insert(fragment)
                    keywords.append(Keyword(path: kp, kind: .dynamicRef(node, anchor: fragment)))
                } else {
                    keywords.append(Keyword(path: kp, kind: .ref(node)))
                }
            case "$id", "$anchor", "$dynamicAnchor", "$schema", "$comment":
                guard case .string = value else { throw invalid(key, "\"\(key)\" must be a string") }
            case "$vocabulary":
                guard case .object = value else { throw invalid(key, "\"$vocabulary\" must be an object") }
            case "$defs", "definitions":
                guard case .object = value else { throw invalid(key, "\"\(key)\" must be an object") }

            // MARK: Applicator
            case "allOf", "anyOf", "oneOf":
                guard vocab.contains(.applicator) else { continue }
                guard case .array(let elements) = value, !elements.isEmpty else {
                    throw invalid(key, "\"\(key)\" must be a non-empty array of schemas")
                }
                var subs: [Int] = []
                for i in elements.indices {
                    subs.append(try compile(SchemaLocation(doc: location.doc, pointer: kp.appending(i))))
                }
                let kind: Keyword.Kind = key == "allOf" ? .allOf(subs) : key == "anyOf" ? .anyOf(subs) : .oneOf(subs)
                keywords.append(Keyword(path: kp, kind: kind))
            case "not":
                guard vocab.contains(.applicator) else { continue }
                keywords.append(Keyword(path: kp, kind: .not(try compile(SchemaLocation(doc: location.doc, pointer: kp)))))
            case "if":
                guard vocab.contains(.applicator) else { continue }
                let ifNode = try compile(SchemaLocation(doc: location.doc, pointer: kp))
                let thenNode = object["then"] == nil ? nil : try compile(SchemaLocation(doc: location.doc, pointer: path("then")))
                let elseNode = object["else"] == nil ? nil : try compile(SchemaLocation(doc: location.doc, pointer: path("else")))
                keywords.append(Keyword(path: kp, kind: .conditional(
                    if: ifNode, then: thenNode, else: elseNode)))
            case "then", "else":
                // Compiled with "if"; ignored without it (Core §10.2.2).
                if object["if"] == nil { _ = try compile(SchemaLocation(doc: location.doc, pointer: kp)) }
            case "dependentSchemas":
                guard vocab.contains(.applicator) else { continue }
                guard case .object(let members) = value else { throw invalid(key, "\"dependentSchemas\" must be an object") }
                var deps: [(String, Int)] = []
                for (name, _) in members {
                    deps.append((name, try compile(SchemaLocation(doc: location.doc, pointer: kp.appending(name)))))
                }
                keywords.append(Keyword(path: kp, kind: .dependentSchemas(deps)))
            case "dependencies":
                // The draft 7 keyword, split into dependentRequired/dependentSchemas (Core 2020-12 Appendix C).
                guard case .object(let members) = value else { throw invalid(key, "\"dependencies\" must be an object") }
                var required: [(String, [String])] = []
                var schemas: [(String, Int)] = []
                for (name, member) in members {
                    if case .array = member {
                        required.append((name, try stringArray(key, member)))
                    } else {
                        schemas.append((name, try compile(SchemaLocation(doc: location.doc, pointer: kp.appending(name)))))
                    }
                }
                if !required.isEmpty && vocab.contains(.validation) {
                    keywords.append(Keyword(path: kp, kind: .dependentRequired(required)))
                }
                if !schemas.isEmpty && vocab.contains(.applicator) {
                    keywords.append(Keyword(path: kp, kind: .dependentSchemas(schemas)))
                }
            case "properties", "patternProperties", "additionalProperties":
                guard vocab.contains(.applicator), !didObjectMembers else { continue }
                didObjectMembers = true
                keywords.append(Keyword(path: kp, kind: .objectMembers(try compileObjectMembers(object, at: location))))
            case "prefixItems", "items":
                guard vocab.contains(.applicator), !didArrayItems else { continue }
                didArrayItems = true
                var prefix: [Int] = []
                if let p = object["prefixItems"] {
                    guard case .array(let elements) = p, !elements.isEmpty else {
                        throw invalid("prefixItems", "\"prefixItems\" must be a non-empty array of schemas")
                    }
                    for i in elements.indices {
                        prefix.append(try compile(SchemaLocation(doc: location.doc, pointer: path("prefixItems").appending(i))))
                    }
                }
                let items = object["items"] == nil ? nil : try compile(SchemaLocation(doc: location.doc, pointer: path("items")))
                keywords.append(Keyword(path: kp, kind: .arrayItems(prefix: prefix, items: items, itemsPath: path("items"))))
            case "contains":
                guard vocab.contains(.applicator) else { continue }
                let node = try compile(SchemaLocation(doc: location.doc, pointer: kp))
                var minimum = 1
                var maximum: Int? = nil
                if vocab.contains(.validation) {
                    if let m = object["minContains"] { minimum = try nonNegativeInteger("minContains", m) }
                    if let m = object["maxContains"] { maximum = try nonNegativeInteger("maxContains", m) }
                }
                keywords.append(Keyword(path: kp, kind: .contains(
                    node, min: minimum, max: maximum, minPath: object["minContains"] == nil ? kp : path("minContains"),
                    maxPath: path("maxContains"))))
            case "minContains", "maxContains":
                _ = try nonNegativeInteger(key, value)
            case "propertyNames":
                guard vocab.contains(.applicator) else { continue }
                keywords.append(Keyword(path: kp, kind: .propertyNames(try compile(SchemaLocation(doc: location.doc, pointer: kp)))))

            // MARK: Unevaluated
            case "unevaluatedItems":
                guard vocab.contains(.unevaluated) else { continue }
                last.append(Keyword(path: kp, kind: .unevaluatedItems(try compile(SchemaLocation(doc: location.doc, pointer: kp)))))
            case "unevaluatedProperties":
                guard vocab.contains(.unevaluated) else { continue }
                last.append(Keyword(path: kp, kind: .unevaluatedProperties(try compile(SchemaLocation(doc: location.doc, pointer: kp)))))

            // MARK: Validation
            case "type":
                var mask: TypeMask = []
                switch value {
                case .string(let name):
                    guard let m = TypeMask(name: name) else { throw invalid(key, "unknown type \"\(name)\"") }
                    mask = m
                case .array(let names) where !names.isEmpty:
                    for n in names {
                        guard case .string(let name) = n, let m = TypeMask(name: name) else {
                            throw invalid(key, "\"type\" must name JSON types")
                        }
                        mask.insert(m)
                    }
                default:
                    throw invalid(key, "\"type\" must be a type name or an array of type names")
                }
                if vocab.contains(.validation) { keywords.append(Keyword(path: kp, kind: .type(mask))) }
            case "enum":
                guard case .array(let values) = value else { throw invalid(key, "\"enum\" must be an array") }
                if vocab.contains(.validation) { keywords.append(Keyword(path: kp, kind: .enumeration(values))) }
            case "const":
                if vocab.contains(.validation) { keywords.append(Keyword(path: kp, kind: .constant(value))) }
            case "multipleOf":
                let n = try number(key, value)
                guard n.doubleValue > 0 else { throw invalid(key, "\"multipleOf\" must be greater than 0") }
                if vocab.contains(.validation) { keywords.append(Keyword(path: kp, kind: .multipleOf(n))) }
            case "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum":
                let n = try number(key, value)
                guard vocab.contains(.validation) else { continue }
                let kind: Keyword.Kind =
                    switch key {
                    case "maximum": .maximum(n)
                    case "exclusiveMaximum": .exclusiveMaximum(n)
                    case "minimum": .minimum(n)
                    default: .exclusiveMinimum(n)
                    }
                keywords.append(Keyword(path: kp, kind: kind))
            case "maxLength", "minLength", "maxItems", "minItems", "maxProperties", "minProperties":
                let n = try nonNegativeInteger(key, value)
                guard vocab.contains(.validation) else { continue }
                let kind: Keyword.Kind =
                    switch key {
                    case "maxLength": .maxLength(n)
                    case "minLength": .minLength(n)
                    case "maxItems": .maxItems(n)
                    case "minItems": .minItems(n)
                    case "maxProperties": .maxProperties(n)
                    default: .minProperties(n)
                    }
                keywords.append(Keyword(path: kp, kind: kind))
            case "pattern":
                guard case .string(let source) = value else { throw invalid(key, "\"pattern\" must be a string") }
                guard let regex = ECMARegex(source) else {
                    throw invalid(key, "\"pattern\" is not a valid ECMA-262 regular expression")
                }
                if vocab.contains(.validation) { keywords.append(Keyword(path: kp, kind: .pattern(regex))) }
            case "uniqueItems":
                guard case .bool(let unique) = value else { throw invalid(key, "\"uniqueItems\" must be a boolean") }
                if unique && vocab.contains(.validation) { keywords.append(Keyword(path: kp, kind: .uniqueItems)) }
            case "required":
                let names = try stringArray(key, value)
                if vocab.contains(.validation) && !names.isEmpty { keywords.append(Keyword(path: kp, kind: .required(names))) }
            case "dependentRequired":
                guard case .object(let members) = value else { throw invalid(key, "\"dependentRequired\" must be an object") }
                var deps: [(String, [String])] = []
                for (name, list) in members { deps.append((name, try stringArray(key, list))) }
                if vocab.contains(.validation) { keywords.append(Keyword(path: kp, kind: .dependentRequired(deps))) }

            // MARK: Format (Validation §7)
            case "format":
                guard case .string(let name) = value else { throw invalid(key, "\"format\" must be a string") }
                let asserted =
                    vocab.contains(.formatAssertion) || (options.formatAssertion && vocab.contains(.formatAnnotation))
                if asserted, let checker = FormatChecker(rawValue: name) {
                    keywords.append(Keyword(path: kp, kind: .format(checker)))
                }
            default:
                continue
            }
        }
        return keywords + last
    }

    /// `properties` + `patternProperties` + `additionalProperties` of one schema.
    mutating func compileObjectMembers(_ object: JSONObject, at location: SchemaLocation) throws(SchemaError) -> ObjectMembers {
        let here = location.pointer
        var properties: [(name: String, node: Int)] = []
        if let p = object["properties"] {
            guard case .object(let members) = p else {
                throw SchemaError(path: here.appending("properties"), message: "\"properties\" must be an object")
            }
            for (name, _) in members {
                let at = SchemaLocation(doc: location.doc, pointer: here.appending("properties").appending(name))
                properties.append((name, try compile(at)))
            }
        }
        var patterns: [(regex: ECMARegex, node: Int)] = []
        if let p = object["patternProperties"] {
            guard case .object(let members) = p else {
                throw SchemaError(path: here.appending("patternProperties"), message: "\"patternProperties\" must be an object")
            }
            for (source, _) in members {
                let at = here.appending("patternProperties").appending(source)
                guard let regex = ECMARegex(source) else {
                    throw SchemaError(path: at, message: "\"\(source)\" is not a valid ECMA-262 regular expression")
                }
                patterns.append((regex, try compile(SchemaLocation(doc: location.doc, pointer: at))))
            }
        }
        let additional = object["additionalProperties"] == nil
            ? nil : try compile(SchemaLocation(doc: location.doc, pointer: here.appending("additionalProperties")))
        var index: [String: Int]? = nil
        if properties.count > 16 {
            var map: [String: Int] = [:]
            for (i, p) in properties.enumerated() where map[p.name] == nil { map[p.name] = i }
            index = map
        }
        return ObjectMembers(
            properties: properties, propertyIndex: index, patterns: patterns, additional: additional,
            additionalPath: here.appending("additionalProperties"))
    }
}
