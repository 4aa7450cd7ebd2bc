/// One access-log line per request (SPEC §6): time, method, path, status, duration, bytes, entity —
/// never a token, a body or the query string (which may carry search terms).
public enum AccessLog {
    /// Formats a line such as
    /// `2026-11-22T10:00:00.123Z GET /records/abc 200 1.2ms 512B entity=01JD…`.
    public static func line(
        timeMilliseconds: Int64, method: String, target: String, status: Int, durationSeconds: Double, bytes: Int,
        entityId: String?
    ) -> String {
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let milliseconds = (durationSeconds * 10_000).rounded() / 10
        let safePath = String(path.unicodeScalars.map { $0.value < 0x21 || $0.value == 0x7F ? "?" : Character($0) })
        return "\(RFC3339.format(milliseconds: timeMilliseconds)) \(method) \(safePath) \(status) \(milliseconds)ms \(bytes)B entity=\(entityId ?? "-")"
    }
}
