#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `Date` field (RFC 9110 §6.6.1, IMF-fixdate), formatted at most once a second.
/// Each event loop owns one, so it needs no lock.
struct DateCache {
    private var second: time_t = 0
    private var field: [UInt8] = []

    /// `"Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"` for the current second.
    mutating func dateField() -> [UInt8] {
        let now = time(nil)
        if now != second || field.isEmpty {
            second = now
            field = DateCache.format(now)
        }
        return field
    }

    static func format(_ t: time_t) -> [UInt8] {
        var t = t
        var parts = tm()
        gmtime_r(&t, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let text = "Date: \(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) "
            + "\(parts.tm_year + 1900) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT\r\n"
        return Array(text.utf8)
    }
}
