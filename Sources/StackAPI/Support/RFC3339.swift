import StackStore

/// RFC 3339 timestamps as the API reads and writes them (SPEC §1: `2026-11-22T10:00:00.123Z`), in
/// milliseconds since the Unix epoch. The arithmetic is StackStore's ``Timestamp`` (one
/// implementation for the engine and the edge): parsing accepts any RFC 3339 `date-time` (`T` or
/// `t`, optional fraction truncated to milliseconds, `Z` or a numeric offset) and rejects impossible
/// dates; formatting writes UTC with exactly three fraction digits.
public enum RFC3339 {
    /// Milliseconds since 1970-01-01T00:00:00Z for `text`, or `nil` when it is not an RFC 3339 date-time.
    public static func parse(_ text: String) -> Int64? {
        Timestamp(rfc3339: text)?.milliseconds
    }

    /// `2026-11-22T10:00:00.123Z` for milliseconds since the Unix epoch.
    public static func format(milliseconds: Int64) -> String {
        Timestamp(milliseconds: milliseconds).rfc3339
    }
}
