/// An ordered list of header fields; names compare case-insensitively and repeated fields are kept
/// in the order received (RFC 9110 §5.2, §5.3).
///
/// ```swift
/// var headers: HTTPFields = ["Content-Type": "application/json"]
/// headers.append(name: "Vary", value: "Accept")
/// headers["cache-control"] = "no-store"      // replaces every field of that name
/// let type = request.headers["content-type"]  // first value, or nil
/// let all = request.headers.values(for: "Accept")
/// ```
public struct HTTPFields: Sendable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    /// One header field as received or to be sent.
    public struct Field: Sendable, Hashable {
        /// The field name as written (case preserved).
        public var name: String
        /// The field value, without leading or trailing whitespace.
        public var value: String

        /// Creates a field.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    private var fields: [Field] = []

    /// Creates an empty list.
    public init() {}

    /// Creates a list from name/value pairs, in order.
    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { Field(name: $0.0, value: $0.1) }
        fields.reserveCapacity(elements.count)
    }

    /// The number of fields, counting repeated names separately.
    public var count: Int { fields.count }

    /// Whether there is no field.
    public var isEmpty: Bool { fields.isEmpty }

    /// Iterates the fields in order.
    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    /// The first value of the named field; setting replaces all fields of that name (nil removes them).
    public subscript(name: String) -> String? {
        get {
            for field in fields where HTTPFields.namesEqual(field.name, name) { return field.value }
            return nil
        }
        set {
            if let newValue {
                if let index = fields.firstIndex(where: { HTTPFields.namesEqual($0.name, name) }) {
                    fields[index].value = newValue
                    var next = index + 1
                    while next < fields.count {
                        if HTTPFields.namesEqual(fields[next].name, name) {
                            fields.remove(at: next)
                        } else {
                            next += 1
                        }
                    }
                } else {
                    fields.append(Field(name: name, value: newValue))
                }
            } else {
                remove(name)
            }
        }
    }

    /// Every value of the named field, in order.
    public func values(for name: String) -> [String] {
        fields.compactMap { HTTPFields.namesEqual($0.name, name) ? $0.value : nil }
    }

    /// Whether at least one field has this name.
    public func contains(_ name: String) -> Bool {
        fields.contains { HTTPFields.namesEqual($0.name, name) }
    }

    /// Appends a field, keeping any existing field of the same name.
    public mutating func append(name: String, value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Removes every field with this name.
    public mutating func remove(_ name: String) {
        fields.removeAll { HTTPFields.namesEqual($0.name, name) }
    }

    /// Whether any comma-separated element of the named fields equals `token`, ignoring case
    /// (for list fields such as `Connection`, RFC 9110 §5.6.1).
    public func containsToken(_ token: String, in name: String) -> Bool {
        for field in fields where HTTPFields.namesEqual(field.name, name) {
            for element in field.value.split(separator: ",") {
                let trimmed = element.trimmingOWS()
                if HTTPFields.namesEqual(String(trimmed), token) { return true }
            }
        }
        return false
    }

    public var description: String {
        fields.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
    }

    mutating func reserveCapacity(_ capacity: Int) { fields.reserveCapacity(capacity) }
    mutating func appendField(_ field: Field) { fields.append(field) }

    /// ASCII case-insensitive comparison of two field names.
    static func namesEqual(_ a: String, _ b: String) -> Bool {
        var a = a
        var b = b
        return a.withUTF8 { ua in
            b.withUTF8 { ub in
                guard ua.count == ub.count else { return false }
                for i in 0..<ua.count where ua[i] != ub[i] {
                    if ua[i] | 0x20 != ub[i] | 0x20 { return false }
                    let lower = ua[i] | 0x20
                    if lower < 0x61 || lower > 0x7A { return false }
                }
                return true
            }
        }
    }
}

extension Substring {
    /// Trims optional whitespace (SP / HTAB, RFC 9110 §5.6.3) from both ends.
    func trimmingOWS() -> Substring {
        var start = startIndex
        var end = endIndex
        while start < end, self[start] == " " || self[start] == "\t" { start = index(after: start) }
        while end > start {
            let before = index(before: end)
            if self[before] == " " || self[before] == "\t" { end = before } else { break }
        }
        return self[start..<end]
    }
}
