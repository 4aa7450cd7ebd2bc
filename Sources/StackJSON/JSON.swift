/// A JSON value: the one representation of JSON used everywhere in Stack.
///
/// Objects keep their keys in insertion order (see ``JSONObject``); numbers keep their kind
/// (see ``JSONNumber``). Equality is the JSON data model's: numbers compare numerically
/// (`1 == 1.0`) and objects compare without regard to key order, as JSON Schema requires.
///
/// ```swift
/// let value = try JSON(parsing: #"{"title": "Milk", "done": false}"#)
/// value["title"]?.stringValue        // "Milk"
/// value.serialized()                 // {"title":"Milk","done":false}
/// ```
///
/// Values nested very deeply (far past the parser's default depth limit of 256) make equality,
/// hashing, serialization and destruction recurse that deep; build such values with care.
public enum JSON: Sendable, Hashable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number: an exact integer or a finite double (see ``JSONNumber``).
    case number(JSONNumber)
    /// A string of Unicode scalars.
    case string(String)
    /// An array of values.
    case array([JSON])
    /// An object: members in insertion order (see ``JSONObject``).
    case object(JSONObject)
}

extension JSON {
    /// The name of the value's JSON type as JSON Schema spells it (`"integer"` for integral numbers).
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number(let n): return n.isIntegral ? "integer" : "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// Whether the value is `null`.
    public var isNull: Bool { if case .null = self { return true } else { return false } }
    /// The value of a boolean, else `nil`.
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    /// The value of a string, else `nil`.
    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    /// The value of a number, else `nil`.
    public var numberValue: JSONNumber? { if case .number(let n) = self { return n } else { return nil } }
    /// The elements of an array, else `nil`.
    public var arrayValue: [JSON]? { if case .array(let a) = self { return a } else { return nil } }
    /// The members of an object, else `nil`.
    public var objectValue: JSONObject? { if case .object(let o) = self { return o } else { return nil } }

    /// The value as an `Int64` when it is a number with an exact integral value.
    public var int64Value: Int64? { numberValue?.int64Value }
    /// The value as a `Double` when it is a number.
    public var doubleValue: Double? { numberValue?.doubleValue }

    /// The member `key` of an object, or `nil` for a missing key or a non-object. Assigning sets
    /// or (with `nil`) removes the member of an object, and does nothing to other values.
    public subscript(key: String) -> JSON? {
        get { objectValue?[key] }
        set {
            guard case .object(var object) = self else { return }
            self = .null  // release the payload so `object` is uniquely referenced
            object[key] = newValue
            self = .object(object)
        }
    }

    /// The element at `index` of an array, or `nil` when out of range or not an array.
    public subscript(index: Int) -> JSON? {
        guard case .array(let a) = self, a.indices.contains(index) else { return nil }
        return a[index]
    }

    /// Makes a number value from an integer.
    public static func int<I: BinaryInteger>(_ value: I) -> JSON { .number(JSONNumber(value)) }
    /// Makes a number value from a double (must be finite).
    public static func double(_ value: Double) -> JSON { .number(JSONNumber(value)) }
}

extension JSON {
    /// JSON data-model equality: numbers compare numerically (`1 == 1.0`), strings by their
    /// Unicode scalars (not Swift's canonical equivalence), arrays element by element, objects
    /// member by member in any order.
    public static func == (lhs: JSON, rhs: JSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return JSONKey.same(a, b)
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)): return a == b
        default: return false
        }
    }
}

extension JSON: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    /// `nil` is `null`.
    public init(nilLiteral: ()) { self = .null }
    /// A boolean literal.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An integer literal is an exact integer.
    public init(integerLiteral value: Int64) { self = .number(.int(value)) }
    /// A floating-point literal is a double (it must be finite).
    public init(floatLiteral value: Double) { self = .number(JSONNumber(value)) }
    /// A string literal.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An array literal.
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    /// A dictionary literal is an object in the literal's order; a repeated key keeps its first
    /// position and last value.
    public init(dictionaryLiteral elements: (String, JSON)...) {
        var object = JSONObject(minimumCapacity: elements.count)
        for (k, v) in elements { object[k] = v }
        self = .object(object)
    }
}

extension JSON: CustomStringConvertible {
    /// The compact serialization.
    public var description: String { serializedString() }
}
