/// The members of a JSON object, in insertion order.
///
/// Setting an existing key replaces its value in place, so a key duplicated in parsed input keeps
/// the first occurrence's position and the last occurrence's value (issue 3, item 1). Keys are
/// compared by their Unicode scalars (UTF-8 bytes), not by Swift's canonical equivalence: `"é"`
/// (U+00E9) and `"e\u{301}"` are two different keys, as RFC 8259 §8.3 compares names code unit by
/// code unit. Lookup is linear for small objects and hashed past a few dozen members. Equality
/// ignores member order, as the JSON data model does.
public struct JSONObject: Sendable {
    /// One member: a key and its value.
    public typealias Member = (key: String, value: JSON)

    @usableFromInline var keys_: [String]
    @usableFromInline var values_: [JSON]
    /// Key → position; only kept for objects past `indexThreshold` members.
    @usableFromInline var index: [JSONKey: Int]?

    static let indexThreshold = 24

    /// An empty object.
    public init() {
        keys_ = []
        values_ = []
        index = nil
    }

    /// An empty object with room for `minimumCapacity` members.
    public init(minimumCapacity: Int) {
        self.init()
        keys_.reserveCapacity(minimumCapacity)
        values_.reserveCapacity(minimumCapacity)
    }

    /// Makes an object from members in order; a repeated key keeps its first position and last value.
    public init<S: Sequence>(_ members: S) where S.Element == (String, JSON) {
        self.init()
        for (k, v) in members { self[k] = v }
    }

    /// Makes an object from parallel arrays whose keys the caller has checked to be distinct.
    init(uniqueKeys keys: [String], values: [JSON], index: [JSONKey: Int]?) {
        keys_ = keys
        values_ = values
        self.index = index
    }

    /// The number of members.
    public var count: Int { keys_.count }
    /// Whether the object has no members.
    public var isEmpty: Bool { keys_.isEmpty }
    /// The keys, in order.
    public var keys: [String] { keys_ }
    /// The values, in key order.
    public var values: [JSON] { values_ }

    /// The position of `key`, if present.
    public func position(of key: String) -> Int? {
        if let index { return index[JSONKey(key)] }
        for i in keys_.indices where JSONKey.same(keys_[i], key) { return i }
        return nil
    }

    /// The value of `key`; assigning `nil` removes the member, assigning a value adds or replaces it.
    public subscript(key: String) -> JSON? {
        get {
            guard let i = position(of: key) else { return nil }
            return values_[i]
        }
        set {
            if let newValue {
                if let i = position(of: key) {
                    values_[i] = newValue
                } else {
                    appendUnchecked(key, newValue)
                }
            } else if let i = position(of: key) {
                keys_.remove(at: i)
                values_.remove(at: i)
                if index != nil { rebuildIndex() }
            }
        }
    }

    /// Appends a member without checking for an existing key. The caller guarantees uniqueness.
    @usableFromInline mutating func appendUnchecked(_ key: String, _ value: JSON) {
        keys_.append(key)
        values_.append(value)
        if index != nil {
            index![JSONKey(key)] = keys_.count - 1
        } else if keys_.count > JSONObject.indexThreshold {
            rebuildIndex()
        }
    }

    private mutating func rebuildIndex() {
        if keys_.count <= JSONObject.indexThreshold {
            index = nil
            return
        }
        var map = [JSONKey: Int](minimumCapacity: keys_.count)
        for (i, k) in keys_.enumerated() { map[JSONKey(k)] = i }
        index = map
    }

    /// The members sorted by key in code-point order (the order of their UTF-8 bytes).
    public var sortedMembers: [Member] {
        zip(keys_, values_).map { (key: $0, value: $1) }.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    }
}

/// A string compared and hashed by its exact UTF-8 bytes (see ``JSONObject``).
@usableFromInline struct JSONKey: Hashable, Sendable {
    @usableFromInline let string: String

    @usableFromInline init(_ string: String) { self.string = string }

    /// Whether two strings have the same Unicode scalars. Swift's `==` is canonical equivalence,
    /// which is necessary (byte-equal strings are canonically equal) but not sufficient.
    @inline(__always) @usableFromInline static func same(_ a: String, _ b: String) -> Bool {
        guard a == b else { return false }
        return a.utf8.elementsEqual(b.utf8)
    }

    @usableFromInline static func == (lhs: JSONKey, rhs: JSONKey) -> Bool { same(lhs.string, rhs.string) }

    /// String hashing is consistent with byte equality (equal bytes hash equally).
    @usableFromInline func hash(into hasher: inout Hasher) { hasher.combine(string) }
}

extension JSONObject: Sequence {
    /// Iterates the members in order.
    public struct Iterator: IteratorProtocol {
        let object: JSONObject
        var i = 0
        /// The next member, or `nil` after the last.
        public mutating func next() -> Member? {
            guard i < object.keys_.count else { return nil }
            defer { i += 1 }
            return (object.keys_[i], object.values_[i])
        }
    }

    /// An iterator over the members in order.
    public func makeIterator() -> Iterator { Iterator(object: self) }
    /// The number of members.
    public var underestimatedCount: Int { count }
}

extension JSONObject: Hashable {
    /// Whether both objects have the same keys with equal values, in any order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        if lhs.keys_.elementsEqual(rhs.keys_, by: JSONKey.same) { return lhs.values_ == rhs.values_ }
        for (k, v) in lhs {
            guard let other = rhs[k], other == v else { return false }
        }
        return true
    }

    /// Hashes the members independently of their order.
    public func hash(into hasher: inout Hasher) {
        // Order-independent: the sum of each member's own hash.
        var sum = 0
        for (k, v) in self {
            var h = Hasher()
            h.combine(k)
            h.combine(v)
            sum = sum &+ h.finalize()
        }
        hasher.combine(count)
        hasher.combine(sum)
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    /// Makes an object from a literal; a repeated key keeps its first position and last value.
    public init(dictionaryLiteral elements: (String, JSON)...) {
        self.init(elements)
    }
}
