/// The decoded `name=value` pairs of a request target's query, in order.
///
/// `application/x-www-form-urlencoded` rules (WHATWG URL §5.1): `&` separates pairs, `+` is a
/// space, `%XX` is a byte; the bytes must be UTF-8. A malformed escape is a 400, not a guess.
public struct QueryString: Sendable, Equatable {
    public var items: [(name: String, value: String)]

    public init(items: [(name: String, value: String)] = []) {
        self.items = items
    }

    /// Parses the part after `?` (without it).
    /// - Throws: `Problem.badRequest` for a bad `%` escape or non-UTF-8 bytes.
    public init(parsing query: Substring) throws(Problem) {
        var items: [(String, String)] = []
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try Self.decode(parts[0])
            let value = parts.count > 1 ? try Self.decode(parts[1]) : ""
            items.append((name, value))
        }
        self.items = items
    }

    /// Splits a request target into its path and query string.
    public static func split(target: String) throws(Problem) -> (path: String, query: QueryString) {
        guard let mark = target.firstIndex(of: "?") else { return (target, QueryString()) }
        return (String(target[..<mark]), try QueryString(parsing: target[target.index(after: mark)...]))
    }

    /// The last value of `name`, or `nil`.
    public func value(_ name: String) -> String? {
        items.last { $0.name == name }?.value
    }

    /// Every value of `name`, in order.
    public func values(_ name: String) -> [String] {
        items.filter { $0.name == name }.map(\.value)
    }

    public static func == (lhs: QueryString, rhs: QueryString) -> Bool {
        lhs.items.map(\.name) == rhs.items.map(\.name) && lhs.items.map(\.value) == rhs.items.map(\.value)
    }

    /// Percent-decodes one component.
    public static func decode(_ component: Substring) throws(Problem) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(component.utf8.count)
        var iterator = component.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    throw Problem.badRequest("The query string has a malformed %-escape.")
                }
                bytes.append(high << 4 | low)
            default:
                bytes.append(byte)
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw Problem.badRequest("The query string is not valid UTF-8.")
        }
        return text
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
