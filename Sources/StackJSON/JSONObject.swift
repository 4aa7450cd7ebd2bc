/// The members of a JSON object, in insertion order.
///
/// Setting an existing key replaces its value in place (so a key duplicated in parsed input keeps
/// the first occurrence's position and the last occurrence's value). Lookup is linear for small
/// objects and hashed past a few dozen members. Equality ignores order, as the JSON data model does.
public struct JSONObject: Sendable {
    public typealias Member = (key: String, value: JSON)

    @usableFromInline var keys_: [String]
    @usableFromInline var values_: [JSON]
    /// Key → position; only kept for objects past `indexThreshold` members.
    @usableFromInline var index: [String: Int]?

    static let indexThreshold = 24

    public init() {
        keys_ = []
        values_ = []
        index = nil
    }

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

    public var count: Int { keys_.count }
    public var isEmpty: Bool { keys_.isEmpty }
    /// The keys, in order.
    public var keys: [String] { keys_ }
    /// The values, in key order.
    public var values: [JSON] { values_ }

    /// The position of `key`, if present.
    public func position(of key: String) -> Int? {
        if let index { return index[key] }
        for i in keys_.indices where keys_[i] == key { return i }
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
                    keys_.append(key)
                    values_.append(newValue)
                    if index != nil {
                        index![key] = keys_.count - 1
                    } else if keys_.count > JSONObject.indexThreshold {
                        rebuildIndex()
                    }
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
            index![key] = keys_.count - 1
        } else if keys_.count > JSONObject.indexThreshold {
            rebuildIndex()
        }
    }

    private mutating func rebuildIndex() {
        if keys_.count <= JSONObject.indexThreshold {
            index = nil
            return
        }
        var map = [String: Int](minimumCapacity: keys_.count)
        for (i, k) in keys_.enumerated() { map[k] = i }
        index = map
    }

    /// Members sorted by key in code-point order.
    public var sortedMembers: [Member] {
        zip(keys_, values_).map { (key: $0, value: $1) }.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    }
}

extension JSONObject: Sequence {
    public struct Iterator: IteratorProtocol {
        let object: JSONObject
        var i = 0
        public mutating func next() -> Member? {
            guard i < object.keys_.count else { return nil }
            defer { i += 1 }
            return (object.keys_[i], object.values_[i])
        }
    }
    public func makeIterator() -> Iterator { Iterator(object: self) }
    public var underestimatedCount: Int { count }
}

extension JSONObject: Hashable {
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        if lhs.keys_ == rhs.keys_ { return lhs.values_ == rhs.values_ }
        for (k, v) in lhs {
            guard let other = rhs[k], other == v else { return false }
        }
        return true
    }

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
    public init(dictionaryLiteral elements: (String, JSON)...) {
        self.init(elements)
    }
}
