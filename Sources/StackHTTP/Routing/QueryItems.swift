/// A query string decoded into an ordered multimap (`application/x-www-form-urlencoded`:
/// `+` is a space, `%XX` is a byte; an undecodable item is kept as sent).
///
/// ```swift
/// // GET /records?tag=a&tag=b&limit=10
/// request.query["limit"]          // "10"
/// request.query.values(for: "tag") // ["a", "b"]
/// ```
public struct QueryItems: Sendable, Sequence {
    /// Every (name, value) pair in order; a name without `=` has an empty value.
    public let items: [(name: String, value: String)]

    /// Parses a raw query string (without the leading `?`).
    public init(_ query: String) {
        var items: [(name: String, value: String)] = []
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            if let eq = part.firstIndex(of: "=") {
                items.append((QueryItems.decode(part[..<eq]), QueryItems.decode(part[part.index(after: eq)...])))
            } else {
                items.append((QueryItems.decode(part), ""))
            }
        }
        self.items = items
    }

    /// The first value for `name`, or nil.
    public subscript(name: String) -> String? {
        items.first { $0.name == name }?.value
    }

    /// Every value for `name`, in order.
    public func values(for name: String) -> [String] {
        items.compactMap { $0.name == name ? $0.value : nil }
    }

    /// Whether there is no item.
    public var isEmpty: Bool { items.isEmpty }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { items.makeIterator() }

    static func decode(_ raw: Substring) -> String {
        let plusAsSpace = raw.replacingPlus()
        return PercentDecoding.decode(plusAsSpace) ?? String(raw)
    }
}

extension Substring {
    fileprivate func replacingPlus() -> Substring {
        guard contains("+") else { return self }
        return Substring(String(map { $0 == "+" ? " " : $0 }))
    }
}

/// Percent-decoding (RFC 3986 §2.1) to UTF-8 text.
enum PercentDecoding {
    /// Decodes `%XX` escapes; nil when an escape is malformed or the result is not valid UTF-8.
    static func decode(_ text: Substring) -> String? {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let b = iterator.next() {
            if b == UInt8(ascii: "%") {
                guard let h = iterator.next(), let l = iterator.next(),
                    let hv = ByteClass.hexValue(h), let lv = ByteClass.hexValue(l)
                else { return nil }
                bytes.append(UInt8(hv << 4 | lv))
            } else {
                bytes.append(b)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
