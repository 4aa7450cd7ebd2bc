/// Case-insensitive comparison of header names without allocating.
enum HeaderName {
    /// Whether `a` and `b` are equal ignoring case, exactly as comparing their `lowercased()`
    /// forms: ASCII names (all HTTP field names) are compared byte by byte, anything else through
    /// `lowercased()`.
    static func equal(_ a: String, _ b: String) -> Bool {
        var a = a
        var b = b
        let fast = a.withUTF8 { x in
            b.withUTF8 { y -> Bool? in
                guard x.count == y.count else {
                    // Different lengths can still be equal when lowercasing changes a length.
                    return x.allSatisfy { $0 < 0x80 } && y.allSatisfy { $0 < 0x80 } ? false : nil
                }
                for i in 0..<x.count {
                    let p = x[i]
                    let q = y[i]
                    if p >= 0x80 || q >= 0x80 { return nil }
                    if p == q { continue }
                    if p | 0x20 != q | 0x20 { return false }
                    // Same letter in another case only: `|0x20` also merges `@`/`` ` `` and `[`/`{` etc.
                    let lower = p | 0x20
                    if lower < UInt8(ascii: "a") || lower > UInt8(ascii: "z") { return false }
                }
                return true
            }
        }
        return fast ?? (a.lowercased() == b.lowercased())
    }
}
