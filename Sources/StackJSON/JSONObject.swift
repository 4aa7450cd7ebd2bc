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

    /// The members in order (one array, so a parsed object costs one allocation).
    @usableFromInline var members_: [Member]
    /// Key → position; only kept for objects past `indexThreshold` members.
    @usableFromInline var index: [JSONKey: Int]?

    static let indexThreshold = 24

    /// An empty object.
    public init() {
        members_ = []
        index = nil
    }

    /// An empty object with room for `minimumCapacity` members.
    public init(minimumCapacity: Int) {
        self.init()
        members_.reserveCapacity(minimumCapacity)
    }

    /// Makes an object from members in order; a repeated key keeps its first position and last value.
    public init<S: Sequence>(_ members: S) where S.Element == (String, JSON) {
        self.init()
        for (k, v) in members { self[k] = v }
    }

    /// Makes an object from members whose keys the caller has checked to be distinct.
    init(uniqueMembers members: [Member], index: [JSONKey: Int]?) {
        members_ = members
        self.index = index
    }

    /// The number of members.
    public var count: Int { members_.count }
    /// Whether the object has no members.
    public var isEmpty: Bool { members_.isEmpty }
    /// The keys, in order.
    public var keys: [String] { members_.map(\.key) }
    /// The values, in key order.
    public var values: [JSON] { members_.map(\.value) }
    /// The members, in order.
    public var members: [Member] { members_ }

    /// The position of `key`, if present.
    public func position(of key: String) -> Int? {
        if let index { return index[JSONKey(key)] }
        for i in members_.indices where JSONKey.same(members_[i].key, key) { return i }
        return nil
    }

    /// The value of `key`; assigning `nil` removes the member, assigning a value adds or replaces it.
    public subscript(key: String) -> JSON? {
        get {
            guard let i = position(of: key) else { return nil }
            return members_[i].value
        }
        set {
            if let newValue {
                if let i = position(of: key) {
                    members_[i].value = newValue
                } else {
                    appendUnchecked(key, newValue)
                }
            } else if let i = position(of: key) {
                members_.remove(at: i)
                if index != nil { rebuildIndex() }
            }
        }
    }

    /// Appends a member without checking for an existing key. The caller guarantees uniqueness.
    @usableFromInline mutating func appendUnchecked(_ key: String, _ value: JSON) {
        members_.append((key, value))
        if index != nil {
            index![JSONKey(key)] = members_.count - 1
        } else if members_.count > JSONObject.indexThreshold {
            rebuildIndex()
        }
    }

    private mutating func rebuildIndex() {
        if members_.count <= JSONObject.indexThreshold {
            index = nil
            return
        }
        var map = [JSONKey: Int](minimumCapacity: members_.count)
        for (i, m) in members_.enumerated() { map[JSONKey(m.key)] = i }
        index = map
    }

    /// The members sorted by key in code-point order (the order of their UTF-8 bytes).
    public var sortedMembers: [Member] {
        members_.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
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
            guard i < object.members_.count else { return nil }
            defer { i += 1 }
            return object.members_[i]
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
        if lhs.members_.elementsEqual(rhs.members_, by: { JSONKey.same($0.key, $1.key) && $0.value == $1.value }) {
            return true
        }
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
