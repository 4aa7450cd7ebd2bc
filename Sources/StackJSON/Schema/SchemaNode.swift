/// The compiled form of a schema: an arena of immutable nodes that refer to each other by index,
/// so `$ref` cycles need no mutable back-pointers and the whole program is `Sendable`.
final class SchemaProgram: Sendable {
    let nodes: [SchemaNode]
    let root: Int
    /// Per schema resource: `$dynamicAnchor` name → node, for the names some `$dynamicRef` uses.
    let dynamicAnchors: [[String: Int]]
    /// Whether any bookended `$dynamicRef` exists (only then is the dynamic scope tracked).
    let usesDynamicScope: Bool

    init(nodes: [SchemaNode], root: Int, dynamicAnchors: [[String: Int]], usesDynamicScope: Bool) {
        self.nodes = nodes
        self.root = root
        self.dynamicAnchors = dynamicAnchors
        self.usesDynamicScope = usesDynamicScope
    }
}

/// One compiled (sub)schema.
final class SchemaNode: Sendable {
    /// `true`/`false` for a boolean schema; `nil` for an object schema.
    let boolean: Bool?
    /// The keywords to evaluate, in a fixed order (unevaluated* last).
    let keywords: [Keyword]
    /// The schema resource (index) this node belongs to (its dynamic scope entry).
    let resource: Int
    /// Where the node lives in its schema document.
    let path: JSONPointer
    /// Whether it has `unevaluatedProperties`/`unevaluatedItems`, so it must collect annotations.
    let hasUnevaluated: Bool

    init(boolean: Bool?, keywords: [Keyword], resource: Int, path: JSONPointer) {
        self.boolean = boolean
        self.keywords = keywords
        self.resource = resource
        self.path = path
        self.hasUnevaluated = keywords.contains {
            switch $0.kind {
            case .unevaluatedItems, .unevaluatedProperties: return true
            default: return false
            }
        }
    }
}

/// JSON Schema types as a bit set (`number` includes `integer`).
struct TypeMask: OptionSet, Sendable {
    let rawValue: UInt8
    static let null = TypeMask(rawValue: 1)
    static let boolean = TypeMask(rawValue: 2)
    static let integer = TypeMask(rawValue: 4)
    static let number = TypeMask(rawValue: 8)
    static let string = TypeMask(rawValue: 16)
    static let array = TypeMask(rawValue: 32)
    static let object = TypeMask(rawValue: 64)

    static let names: [(String, TypeMask)] = [
        ("null", .null), ("boolean", .boolean), ("integer", .integer), ("number", .number),
        ("string", .string), ("array", .array), ("object", .object),
    ]

    init(rawValue: UInt8) { self.rawValue = rawValue }

    init?(name: String) {
        guard let m = TypeMask.names.first(where: { $0.0 == name }) else { return nil }
        self = m.1
    }

    /// Whether `value` is of one of the types in the set.
    @inline(__always) func admits(_ value: JSON) -> Bool {
        switch value {
        case .null: return contains(.null)
        case .bool: return contains(.boolean)
        case .string: return contains(.string)
        case .array: return contains(.array)
        case .object: return contains(.object)
        case .number(let n):
            if contains(.number) { return true }
            return contains(.integer) && n.isIntegral
        }
    }

    /// "string", "string or null", …
    var description: String {
        let parts = TypeMask.names.filter { contains($0.1) }.map(\.0)
        if parts.count <= 1 { return parts.first ?? "nothing" }
        return parts.dropLast().joined(separator: ", ") + " or " + parts.last!
    }
}

/// A compiled keyword and where it is in the schema (its error `keywordPath`). A class, so that
/// evaluation passes one reference instead of copying the payload.
final class Keyword: Sendable {
    let path: JSONPointer
    let kind: Kind
    /// Whether the keyword applies subschemas (and so is on the recursion path of evaluation).
    let isApplicator: Bool

    init(path: JSONPointer, kind: Kind) {
        self.path = path
        self.kind = kind
        switch kind {
        case .ref, .dynamicRef, .allOf, .anyOf, .oneOf, .not, .conditional, .dependentSchemas, .objectMembers,
            .arrayItems, .contains, .propertyNames, .unevaluatedItems, .unevaluatedProperties:
            isApplicator = true
        default:
            isApplicator = false
        }
    }

    enum Kind: Sendable {
        // Validation vocabulary
        case type(TypeMask)
        case enumeration([JSON])
        case constant(JSON)
        case multipleOf(JSONNumber)
        case maximum(JSONNumber)
        case exclusiveMaximum(JSONNumber)
        case minimum(JSONNumber)
        case exclusiveMinimum(JSONNumber)
        case maxLength(Int)
        case minLength(Int)
        case pattern(ECMARegex)
        case maxItems(Int)
        case minItems(Int)
        case uniqueItems
        case maxProperties(Int)
        case minProperties(Int)
        case required([String])
        case dependentRequired([(String, [String])])
        // Format (assertion mode only)
        case format(FormatChecker)
        // Core
        case ref(Int)
        case dynamicRef(Int, anchor: String)
        // Applicator vocabulary
        case allOf([Int])
        case anyOf([Int])
        case oneOf([Int])
        case not(Int)
        case conditional(if: Int, then: Int?, else: Int?)
        case dependentSchemas([(String, Int)])
        case objectMembers(ObjectMembers)
        case arrayItems(prefix: [Int], items: Int?, itemsPath: JSONPointer)
        case contains(Int, min: Int, max: Int?, minPath: JSONPointer, maxPath: JSONPointer)
        case propertyNames(Int)
        // Unevaluated vocabulary
        case unevaluatedItems(Int)
        case unevaluatedProperties(Int)
    }
}

/// `properties`, `patternProperties` and `additionalProperties` together, since the last depends
/// on the other two (JSON Schema Core 2020-12 §10.3.2.3).
final class ObjectMembers: Sendable {
    let properties: [(name: String, node: Int)]
    let propertyIndex: [String: Int]?  // name → position in `properties`, for large schemas
    let patterns: [(regex: ECMARegex, node: Int)]
    let additional: Int?
    let additionalPath: JSONPointer

    init(
        properties: [(name: String, node: Int)], propertyIndex: [String: Int]?, patterns: [(regex: ECMARegex, node: Int)],
        additional: Int?, additionalPath: JSONPointer
    ) {
        self.properties = properties
        self.propertyIndex = propertyIndex
        self.patterns = patterns
        self.additional = additional
        self.additionalPath = additionalPath
    }

    /// The subschema for member `key`. `hint` is where the previous lookup matched: records
    /// usually list members in schema order, so scanning from there usually hits at once.
    @inline(__always) func property(named key: String, hint: inout Int) -> Int? {
        if let propertyIndex { return propertyIndex[key].map { properties[$0].node } }
        let n = properties.count
        if n == 0 { return nil }
        var i = hint < n ? hint : 0
        for _ in 0..<n {
            let p = properties[i]
            if MemberLookup.same(p.name, key) {
                hint = i + 1
                return p.node
            }
            i += 1
            if i == n { i = 0 }
        }
        return nil
    }
}
