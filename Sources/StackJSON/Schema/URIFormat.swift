/// Syntax checks for the `uri` and `uri-reference` formats (RFC 3986 §3, §4.1), ASCII only.
enum URIFormat {
    static func isUnreserved(_ c: UInt8) -> Bool {
        FormatChecker.isAlnum(c) || c == 0x2D || c == 0x2E || c == 0x5F || c == 0x7E
    }

    static func isSubDelim(_ c: UInt8) -> Bool {
        switch c {
        case 0x21, 0x24, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x2B, 0x2C, 0x3B, 0x3D: return true
        default: return false
        }
    }

    static func isHex(_ c: UInt8) -> Bool { FormatChecker.isDigit(c) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x66) }

    /// Whether every byte is `allowed` or part of a valid `%XX` escape.
    static func scan(_ b: ArraySlice<UInt8>, _ allowed: (UInt8) -> Bool) -> Bool {
        var i = b.startIndex
        while i < b.endIndex {
            if b[i] == 0x25 {
                guard i + 2 < b.endIndex,
                    isHex(b[i + 1]), isHex(b[i + 2])
                else { return false }
                i += 3
            } else {
                guard allowed(b[i]) else { return false }
                i += 1
            }
        }
        return true
    }

    static func isPchar(_ c: UInt8) -> Bool { isUnreserved(c) || isSubDelim(c) || c == 0x3A || c == 0x40 }

    /// URI (RFC 3986 §3) when `requireScheme`, else URI-reference (§4.1).
    static func isURI(_ b: [UInt8], requireScheme: Bool) -> Bool {
        guard b.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return false }
        let ref = URIReference(parsing: String(decoding: b, as: UTF8.self))
        if let scheme = ref.scheme {
            let s = Array(scheme.utf8)
            guard let first = s.first, FormatChecker.isAlnum(first), !FormatChecker.isDigit(first),
                s.allSatisfy({ FormatChecker.isAlnum($0) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E })
            else { return false }
        } else if requireScheme {
            return false
        }
        if let authority = ref.authority {
            guard isAuthority(Array(authority.utf8)[...]) else { return false }
        }
        let path = Array(ref.path.utf8)[...]
        guard scan(path, { isPchar($0) || $0 == 0x2F }) else { return false }
        if let q = ref.query, !scan(Array(q.utf8)[...], { isPchar($0) || $0 == 0x2F || $0 == 0x3F }) { return false }
        if let f = ref.fragment, !scan(Array(f.utf8)[...], { isPchar($0) || $0 == 0x2F || $0 == 0x3F }) {
            return false
        }
        return true
    }

    /// authority = [ userinfo "@" ] host [ ":" port ]
    static func isAuthority(_ a: ArraySlice<UInt8>) -> Bool {
        var rest = a
        if let at = a.firstIndex(of: 0x40) {
            guard scan(a[a.startIndex..<at], { isUnreserved($0) || isSubDelim($0) || $0 == 0x3A }) else { return false }
            rest = a[(at + 1)...]
        }
        var host = rest
        if rest.first == 0x5B {
            guard let close = rest.firstIndex(of: 0x5D) else { return false }
            let literal = rest[(rest.startIndex + 1)..<close]
            if literal.first == 0x76 || literal.first == 0x56 {  // IPvFuture
                guard let dot = literal.firstIndex(of: 0x2E), dot > literal.startIndex + 1,
                    literal[(literal.startIndex + 1)..<dot].allSatisfy(isHex), dot + 1 < literal.endIndex,
                    literal[(dot + 1)...].allSatisfy({ isUnreserved($0) || isSubDelim($0) || $0 == 0x3A })
                else { return false }
            } else if !FormatChecker.isIPv6(literal) {
                return false
            }
            let after = rest[(close + 1)...]
            if after.isEmpty { return true }
            guard after.first == 0x3A else { return false }
            return after.dropFirst().allSatisfy(FormatChecker.isDigit)
        }
        if let colon = rest.lastIndex(of: 0x3A) {
            guard rest[(colon + 1)...].allSatisfy(FormatChecker.isDigit) else { return false }
            host = rest[rest.startIndex..<colon]
        }
        return scan(host, { isUnreserved($0) || isSubDelim($0) })
    }
}
