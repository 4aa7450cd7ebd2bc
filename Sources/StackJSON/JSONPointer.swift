/// An RFC 6901 JSON Pointer such as `/items/0/title`: parsing and printing with the `~0` (`~`) and
/// `~1` (`/`) escapes, and resolving against a document. Stack uses pointers for error paths.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    /// The unescaped reference tokens, in order.
    public var tokens: [String]

    /// The pointer to the whole document (`""`).
    public static let root = JSONPointer(tokens: [])

    /// A pointer from unescaped tokens.
    public init(tokens: [String]) { self.tokens = tokens }

    /// Parses a pointer; `nil` when it is neither empty nor starts with `/`, or has a bad `~` escape.
    public init?(_ text: String) {
        if text.isEmpty { self.tokens = []; return }
        guard text.first == "/" else { return nil }
        var tokens: [String] = []
        for raw in text.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            guard let token = JSONPointer.unescape(raw) else { return nil }
            tokens.append(token)
        }
        self.tokens = tokens
    }

    /// Escapes one token: `~` → `~0`, `/` → `~1`.
    public static func escape<S: StringProtocol>(_ token: S) -> String {
        var out = ""
        out.reserveCapacity(token.utf8.count)
        for ch in token.unicodeScalars {
            switch ch {
            case "~": out += "~0"
            case "/": out += "~1"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// Unescapes one token; `nil` for `~` not followed by `0` or `1`.
    public static func unescape<S: StringProtocol>(_ token: S) -> String? {
        guard token.contains("~") else { return String(token) }
        var out = ""
        var iterator = token.unicodeScalars.makeIterator()
        while let ch = iterator.next() {
            if ch == "~" {
                switch iterator.next() {
                case "0": out += "~"
                case "1": out += "/"
                default: return nil
                }
            } else {
                out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// The pointer one level deeper.
    public func appending(_ token: String) -> JSONPointer { JSONPointer(tokens: tokens + [token]) }
    /// The pointer one level deeper into an array.
    public func appending(_ index: Int) -> JSONPointer { appending(String(index)) }

    /// The text form, e.g. `/a~1b/0`.
    public var description: String {
        var out = ""
        for t in tokens {
            out += "/"
            out += JSONPointer.escape(t)
        }
        return out
    }

    /// The value this pointer refers to within `document`, or `nil` when it refers to nothing.
    public func resolve(in document: JSON) -> JSON? {
        var current = document
        for token in tokens {
            switch current {
            case .object(let o):
                guard let next = o[token] else { return nil }
                current = next
            case .array(let a):
                guard let i = JSONPointer.arrayIndex(token), i < a.count else { return nil }
                current = a[i]
            default:
                return nil
            }
        }
        return current
    }

    /// An array index token per RFC 6901 §4: `0` or digits without a leading zero.
    static func arrayIndex(_ token: String) -> Int? {
        guard !token.isEmpty, token.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        if token.utf8.count > 1 && token.utf8.first == 0x30 { return nil }
        return Int(token)
    }
}
