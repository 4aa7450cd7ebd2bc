import StackStore

/// One access-log line per request (SPEC §6): time, method, path, status, duration, bytes, entity —
/// never a token, a body or the query string (which may carry search terms). A path segment that
/// holds a token (`stk_`, as sent or percent-encoded) is logged as `[redacted]`: a client may put
/// one where it does not belong (`GET /records/stk_…`).
public enum AccessLog {
    /// Formats a line such as
    /// `2026-11-22T10:00:00.123Z GET /records/abc 200 1.2ms 512B entity=01JD…`.
    public static func line(
        timeMilliseconds: Int64, method: String, target: String, status: Int, durationSeconds: Double, bytes: Int,
        entityId: String?
    ) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(96 + target.utf8.count)
        // The timestamp without RecordJSON's quotes.
        RecordJSON.appendTimestamp(Timestamp(milliseconds: timeMilliseconds), to: &out)
        out.removeFirst()
        out.removeLast()
        out.append(UInt8(ascii: " "))
        out.append(contentsOf: method.utf8)
        out.append(UInt8(ascii: " "))
        appendSafePath(target, to: &out)
        out.append(UInt8(ascii: " "))
        RecordJSON.appendInt(status, to: &out)
        out.append(UInt8(ascii: " "))
        appendTenths(durationSeconds * 10_000, to: &out)
        out.append(contentsOf: "ms ".utf8)
        RecordJSON.appendInt(bytes, to: &out)
        out.append(contentsOf: "B entity=".utf8)
        out.append(contentsOf: (entityId ?? "-").utf8)
        return String(decoding: out, as: UTF8.self)
    }

    /// The path of `target` (no query), with control characters, space and DEL as `?`, and any
    /// segment holding a token as `[redacted]`.
    private static func appendSafePath(_ target: String, to out: inout [UInt8]) {
        var path = Substring(target).utf8.prefix { $0 != UInt8(ascii: "?") }
        let redacted: String
        if mayHoldToken(path) {
            redacted = String(decoding: path, as: UTF8.self).split(separator: "/", omittingEmptySubsequences: false).map { segment in
                // Tested as the server reads it: percent-escapes decoded (`%73tk_…` is `stk_…`).
                let lower = (String(segment).removingPercentEncoding ?? String(segment)).lowercased()
                return lower.contains("stk_") ? "[redacted]" : String(segment)
            }.joined(separator: "/")
            path = Substring(redacted).utf8[...]
        }
        // Only ASCII bytes can be control characters; multi-byte scalars pass as they are.
        if path.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) {
            out.append(contentsOf: path)
            return
        }
        let text = String(decoding: path, as: UTF8.self)
        let safe = String(text.unicodeScalars.map { $0.value < 0x21 || $0.value == 0x7F ? "?" : Character($0) })
        out.append(contentsOf: safe.utf8)
    }

    private static let tokenPrefix: [UInt8] = Array("stk".utf8)

    /// Whether `bytes` hold `stk` in any case, or a percent-escape that may spell it (the cheap
    /// test before looking for a token).
    private static func mayHoldToken(_ bytes: Substring.UTF8View) -> Bool {
        var matched = 0
        for byte in bytes {
            if byte == UInt8(ascii: "%") { return true }
            let lower = byte | 0x20
            if lower == tokenPrefix[matched] {
                matched += 1
                if matched == 3 { return true }
            } else {
                matched = lower == UInt8(ascii: "s") ? 1 : 0
            }
        }
        return false
    }

    /// Milliseconds with one decimal (`value` in tenths of a millisecond, rounded), as `Double`'s
    /// description writes them (`0.0`, `1.2`, `12.0`).
    private static func appendTenths(_ value: Double, to out: inout [UInt8]) {
        let rounded = value.rounded()
        guard rounded >= 0, rounded < 1e15 else {
            out.append(contentsOf: (rounded / 10).description.utf8)
            return
        }
        let tenths = Int(rounded)
        RecordJSON.appendInt(tenths / 10, to: &out)
        out.append(UInt8(ascii: "."))
        out.append(UInt8(ascii: "0") + UInt8(tenths % 10))
    }
}
