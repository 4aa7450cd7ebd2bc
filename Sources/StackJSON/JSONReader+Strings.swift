extension JSONReader {
    /// Parses a string starting at its opening quote (RFC 8259 §7), leaving `pos` after the
    /// closing quote and a digest of its UTF-8 in `lastFingerprint`. Keys go through the key cache.
    mutating func parseString(isKey: Bool) throws(JSONParseError) -> String {
        let open = pos
        pos += 1
        let start = pos
        var seen: UInt64 = 0  // OR of the bytes scanned, to know whether any was non-ASCII
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        // Eight bytes at a time while none is a quote, a backslash or a control character.
        while pos + 8 <= end {
            let w = UnsafeRawPointer(bytes + pos).loadUnaligned(as: UInt64.self)
            let quote = w ^ (ones &* 0x22)
            let backslash = w ^ (ones &* 0x5C)
            let special = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((w &- ones &* 0x20) & ~w)
            if special & highs != 0 { break }
            seen |= w
            pos += 8
        }
        while pos < end {
            let c = bytes[pos]
            if c == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(start: bytes + start, count: pos - start)
                pos += 1
                let fingerprint = JSONReader.fingerprint(slice)
                lastFingerprint = fingerprint
                if seen & highs != 0 && !JSONReader.isValidUTF8(slice) {
                    throw fail("invalid UTF-8 in string", at: start + JSONReader.invalidUTF8Offset(slice))
                }
                if isKey, let keyCache {
                    return cachedKey(keyCache, start: start, length: slice.count, fingerprint: fingerprint)
                }
                return String(decoding: slice, as: UTF8.self)
            }
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 { throw fail("control character in string (must be escaped as \\u00XX)", at: pos) }
            seen |= UInt64(c)
            pos += 1
        }
        if pos >= end { throw fail("unterminated string", at: open) }
        return try parseEscapedString(open: open, verbatimEnd: pos, seen: seen)
    }

    /// The slow path for a string with escapes; `start..<verbatimEnd` is escape-free.
    private mutating func parseEscapedString(open: Int, verbatimEnd: Int, seen: UInt64) throws(JSONParseError) -> String {
        let start = open + 1
        var nonASCII = seen & 0x8080_8080_8080_8080 != 0
        var out = [UInt8]()
        out.reserveCapacity(verbatimEnd - start + 16)
        out.append(contentsOf: UnsafeBufferPointer(start: bytes + start, count: verbatimEnd - start))
        while pos < end {
            let c = bytes[pos]
            switch c {
            case UInt8(ascii: "\""):
                pos += 1
                if nonASCII {
                    // Escapes are ASCII, so the raw span is valid UTF-8 exactly when the result is.
                    let raw = UnsafeBufferPointer(start: bytes + start, count: pos - 1 - start)
                    let bad = JSONReader.invalidUTF8Offset(raw)
                    if bad < raw.count { throw fail("invalid UTF-8 in string", at: start + bad) }
                }
                return out.withUnsafeBufferPointer { buffer in
                    lastFingerprint = JSONReader.fingerprint(buffer)
                    return String(decoding: buffer, as: UTF8.self)
                }
            case UInt8(ascii: "\\"):
                pos += 1
                guard pos < end else { throw fail("unterminated string", at: open) }
                let e = bytes[pos]
                pos += 1
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    let scalar = try parseUnicodeEscape()
                    out.append(contentsOf: UTF8.encode(scalar)!)
                default:
                    throw fail("invalid escape '\\\(Character(Unicode.Scalar(e)))' in string", at: pos - 2)
                }
            default:
                if c < 0x20 { throw fail("control character in string (must be escaped as \\u00XX)", at: pos) }
                if c >= 0x80 { nonASCII = true }
                out.append(c)
                pos += 1
            }
        }
        throw fail("unterminated string", at: open)
    }

    private mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard pos < end else { throw fail("incomplete \\u escape", at: pos) }
            let c = bytes[pos]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw fail("invalid hex digit in \\u escape", at: pos)
            }
            v = v << 4 | d
            pos += 1
        }
        return v
    }

    /// Parses the 4 hex digits after `\u`, and the low surrogate escape a high surrogate needs.
    private mutating func parseUnicodeEscape() throws(JSONParseError) -> Unicode.Scalar {
        let at = pos - 2
        let first = try parseHex4()
        if first >= 0xD800 && first <= 0xDBFF {
            guard pos + 1 < end, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") else {
                throw fail("lone high surrogate in \\u escape", at: at)
            }
            pos += 2
            let second = try parseHex4()
            guard second >= 0xDC00 && second <= 0xDFFF else {
                throw fail("high surrogate not followed by a low surrogate in \\u escape", at: at)
            }
            return Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))!
        }
        if first >= 0xDC00 && first <= 0xDFFF { throw fail("lone low surrogate in \\u escape", at: at) }
        return Unicode.Scalar(first)!
    }

    /// Whether `slice` is well-formed UTF-8 (the standard library's strict validation).
    static func isValidUTF8(_ slice: UnsafeBufferPointer<UInt8>) -> Bool {
        String(validating: slice, as: UTF8.self) != nil
    }

    /// The offset of the first byte of the first invalid UTF-8 sequence, or `count` when valid.
    static func invalidUTF8Offset(_ slice: UnsafeBufferPointer<UInt8>) -> Int {
        var iterator = slice.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let e): offset += e.count
            case .emptyInput, .error: return offset
            }
        }
    }

    /// A digest of a key's UTF-8 (length and its first and last eight bytes): equal keys have
    /// equal fingerprints, so most distinct keys are told apart without comparing strings.
    @inline(__always) static func fingerprint(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let n = key.count
        guard let p = key.baseAddress, n > 0 else { return 0 }
        var head: UInt64 = 0
        var tail: UInt64 = 0
        if n >= 8 {
            head = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
            tail = UnsafeRawPointer(p + n - 8).loadUnaligned(as: UInt64.self)
        } else {
            for i in 0..<n { head = head << 8 | UInt64(p[i]) }
        }
        return (head &* 0x9E37_79B9_7F4A_7C15) ^ (tail &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(n)
    }
}
