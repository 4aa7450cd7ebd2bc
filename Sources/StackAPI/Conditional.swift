/// Entity tags and conditional requests (RFC 9110 §8.8.3, §13; SPEC §2).
public enum Conditional {
    /// A record's ETag: its version, quoted (`"3"`).
    public static func recordETag(version: Int) -> String { "\"\(version)\"" }

    /// An attachment's ETag: its SHA-256, quoted.
    public static func attachmentETag(sha256: String) -> String { "\"\(sha256)\"" }

    /// Whether `If-Match` lets a write proceed against a resource whose tag is `current`
    /// (`nil`: it does not exist). Strong comparison (RFC 9110 §13.1.1); `*` matches any existing
    /// resource; no header always proceeds.
    public static func ifMatchPasses(_ header: String?, current: String?) -> Bool {
        guard let header else { return true }
        guard let current else { return false }
        let tags = parseList(header)
        if tags.contains("*") { return true }
        return tags.contains { !$0.hasPrefix("W/") && $0 == current }
    }

    /// Whether `If-None-Match` says the client's copy is current, so a GET answers 304. Weak
    /// comparison (RFC 9110 §13.1.2).
    public static func ifNoneMatchHits(_ header: String?, current: String?) -> Bool {
        guard let header, let current else { return false }
        let tags = parseList(header)
        if tags.contains("*") { return true }
        return tags.contains { weak($0) == weak(current) }
    }

    /// The entity tags of a list header, trimmed (`"1", W/"2"` → `["\"1\"", "W/\"2\""]`).
    static func parseList(_ header: String) -> [String] {
        var tags: [String] = []
        var current = ""
        var inQuotes = false
        for character in header {
            if character == "\"" { inQuotes.toggle() }
            if character == ",", !inQuotes {
                tags.append(current.trimming(" \t"))
                current = ""
            } else {
                current.append(character)
            }
        }
        tags.append(current.trimming(" \t"))
        return tags.filter { !$0.isEmpty }
    }

    private static func weak(_ tag: String) -> String {
        tag.hasPrefix("W/") ? String(tag.dropFirst(2)) : tag
    }
}

/// A single byte range of a `Range` header, resolved against a size (RFC 9110 §14.1.2).
public enum ByteRange: Sendable, Equatable {
    /// No usable `Range` header (absent, another unit, or several ranges): send everything with 200.
    case full
    /// Send `range` with 206 and `Content-Range: bytes first-last/size`.
    case partial(ClosedRange<Int64>)
    /// 416 with `Content-Range: bytes */size`.
    case unsatisfiable

    /// Interprets a `Range` header for a representation of `size` bytes.
    ///
    /// Only single ranges are served; a syntactically invalid header or a multi-range request is
    /// ignored (RFC 9110 §14.2 lets a server ignore `Range`), answering the whole body. A byte
    /// range past the end, or whose last byte comes before its first, is unsatisfiable.
    public static func resolve(_ header: String?, size: Int64) -> ByteRange {
        guard let header else { return .full }
        let trimmed = header.trimming(" \t")
        guard trimmed.lowercased().hasPrefix("bytes=") else { return .full }
        let spec = trimmed.dropFirst(6).trimming(" \t")
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return .full }
        let first = spec[..<dash]
        let last = spec[spec.index(after: dash)...]
        func number(_ text: Substring) -> Int64? {
            guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            return Int64(text)
        }
        if first.isEmpty {
            // Suffix range: the last N bytes.
            guard let count = number(last) else { return .full }
            guard count > 0, size > 0 else { return .unsatisfiable }
            return .partial(max(0, size - count)...(size - 1))
        }
        guard let start = number(first) else { return .full }
        let end: Int64
        if last.isEmpty {
            end = size - 1
        } else {
            guard let value = number(last) else { return .full }
            // Well formed, but ending before it starts: a bad range (SPEC §3), not one to ignore.
            guard value >= start else { return .unsatisfiable }
            end = min(value, size - 1)
        }
        guard start < size else { return .unsatisfiable }
        return .partial(start...end)
    }
}
