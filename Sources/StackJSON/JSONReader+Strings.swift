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
        // Eight bytes at a time: find the first quote, backslash or control character (the lowest
        // flag of these "has a zero byte" tests is exact; only flags above it can be false).
        while pos + 8 <= end {
            let w = UInt64(littleEndian: UnsafeRawPointer(bytes + pos).loadUnaligned(as: UInt64.self))
            let quote = w ^ (ones &* 0x22)
            let backslash = w ^ (ones &* 0x5C)
            let special = (((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((w &- ones &* 0x20) & ~w))
                & highs
            if special == 0 {
                seen |= w
                pos += 8
                continue
            }
            let index = special.trailingZeroBitCount >> 3
            if index > 0 { seen |= w & (~0 >> UInt64(64 - index * 8)) }
            pos += index
            if bytes[pos] == UInt8(ascii: "\"") { return try finishString(start: start, isKey: isKey, seen: seen) }
            break  // a backslash or a control character: handled below
        }
        while pos < end {
            let c = bytes[pos]
            if c == UInt8(ascii: "\"") { return try finishString(start: start, isKey: isKey, seen: seen) }
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 { throw fail("control character in string (must be escaped as \\u00XX)", at: pos) }
            seen |= UInt64(c)
            pos += 1
        }
        if pos >= end { throw fail("unterminated string", at: open) }
        return try parseEscapedString(open: open, verbatimEnd: pos, seen: seen)
    }

    /// Makes the string for the escape-free bytes `start..<pos` (`pos` at the closing quote).
    @inline(__always) private mutating func finishString(start: Int, isKey: Bool, seen: UInt64) throws(JSONParseError) -> String {
        let slice = UnsafeBufferPointer(start: bytes + start, count: pos - start)
        pos += 1
        let fingerprint = JSONReader.fingerprint(slice, canOverread: start + 8 <= end)
        lastFingerprint = fingerprint
        if seen & 0x8080_8080_8080_8080 != 0 {
            let bad = JSONReader.invalidUTF8Offset(slice)
            if bad < slice.count { throw fail("invalid UTF-8 in string", at: start + bad) }
            return String(decoding: slice, as: UTF8.self)
        }
        if isKey, let keyCache {
            return cachedKey(keyCache, start: start, length: slice.count, fingerprint: fingerprint)
        }
        return String(decoding: slice, as: UTF8.self)
    }

    /// The slow path for a string with escapes; `start..<verbatimEnd` is escape-free.
    private mutating func parseEscapedString(open: Int, verbatimEnd: Int, seen: UInt64) throws(JSONParseError) -> String {
        let start = open + 1
        var nonASCII = seen & 0x8080_8080_8080_8080 != 0
        if unescaped == nil { unescaped = JSONWriter(capacity: 64) }
        unescaped!.removeAll()
        unescaped!.write(bytes + start, count: verbatimEnd - start)
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
                lastFingerprint = JSONReader.fingerprint(unescaped!.bytes, canOverread: false)
                return String(decoding: unescaped!.bytes, as: UTF8.self)
            case UInt8(ascii: "\\"):
                pos += 1
                guard pos < end else { throw fail("unterminated string", at: open) }
                let e = bytes[pos]
                pos += 1
                switch e {
                case UInt8(ascii: "\""): unescaped!.write(0x22)
                case UInt8(ascii: "\\"): unescaped!.write(0x5C)
                case UInt8(ascii: "/"): unescaped!.write(0x2F)
                case UInt8(ascii: "b"): unescaped!.write(0x08)
                case UInt8(ascii: "f"): unescaped!.write(0x0C)
                case UInt8(ascii: "n"): unescaped!.write(0x0A)
                case UInt8(ascii: "r"): unescaped!.write(0x0D)
                case UInt8(ascii: "t"): unescaped!.write(0x09)
                case UInt8(ascii: "u"):
                    let scalar = try parseUnicodeEscape()
                    for unit in UTF8.encode(scalar)! { unescaped!.write(unit) }
                default:
                    throw fail("invalid escape '\\\(Character(Unicode.Scalar(e)))' in string", at: pos - 2)
                }
            default:
                // A run of plain bytes up to the next quote, backslash or control character.
                let runStart = pos
                while pos < end {
                    let b = bytes[pos]
                    if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b < 0x20 { break }
                    if b >= 0x80 { nonASCII = true }
                    pos += 1
                }
                if pos == runStart {
                    throw fail("control character in string (must be escaped as \\u00XX)", at: pos)
                }
                unescaped!.write(bytes + runStart, count: pos - runStart)
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

    /// A string from bytes already known to be well-formed UTF-8. Up to 15 bytes (Swift's small
    /// strings, stored inline) it fills the string directly: `String(decoding:as:)` would first
    /// run a separate validation pass. (The standard library still checks; it cannot be fooled.)
    @inline(__always) static func makeString(_ utf8: UnsafeBufferPointer<UInt8>) -> String {
        let n = utf8.count
        guard let source = utf8.baseAddress, n <= 15 else { return String(decoding: utf8, as: UTF8.self) }
        return String(unsafeUninitializedCapacity: n) { buffer in
            let target = UnsafeMutableRawPointer(buffer.baseAddress!)
            let from = UnsafeRawPointer(source)
            if n >= 8 {  // two overlapping 8-byte moves
                target.storeBytes(of: from.loadUnaligned(as: UInt64.self), as: UInt64.self)
                target.storeBytes(of: from.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self), toByteOffset: n - 8, as: UInt64.self)
            } else if n >= 4 {
                target.storeBytes(of: from.loadUnaligned(as: UInt32.self), as: UInt32.self)
                target.storeBytes(of: from.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self), toByteOffset: n - 4, as: UInt32.self)
            } else {
                for i in 0..<n { target.storeBytes(of: source[i], toByteOffset: i, as: UInt8.self) }
            }
            return n
        }
    }

    /// The offset of the first byte of the first ill-formed UTF-8 sequence, or `count` when the
    /// bytes are well-formed (Unicode §3.9, table 3-7): no overlong forms, no encoded surrogates,
    /// nothing past U+10FFFF, no truncated or stray continuation bytes.
    static func invalidUTF8Offset(_ slice: UnsafeBufferPointer<UInt8>) -> Int {
        guard let p = slice.baseAddress else { return 0 }
        let n = slice.count
        var i = 0
        @inline(__always) func isContinuation(_ offset: Int) -> Bool { offset < n && p[offset] & 0xC0 == 0x80 }
        while i < n {
            let lead = p[i]
            if lead < 0x80 {
                i += 1
            } else if lead < 0xC2 {
                return i  // a stray continuation byte, or an overlong two-byte form
            } else if lead < 0xE0 {
                guard isContinuation(i + 1) else { return i }
                i += 2
            } else if lead < 0xF0 {
                guard isContinuation(i + 1), isContinuation(i + 2) else { return i }
                let second = p[i + 1]
                if lead == 0xE0 && second < 0xA0 { return i }  // overlong
                if lead == 0xED && second >= 0xA0 { return i }  // a surrogate
                i += 3
            } else if lead < 0xF5 {
                guard isContinuation(i + 1), isContinuation(i + 2), isContinuation(i + 3) else { return i }
                let second = p[i + 1]
                if lead == 0xF0 && second < 0x90 { return i }  // overlong
                if lead == 0xF4 && second >= 0x90 { return i }  // past U+10FFFF
                i += 4
            } else {
                return i
            }
        }
        return n
    }

    /// A digest of a key's UTF-8: equal keys have equal fingerprints, so most distinct keys are
    /// told apart without comparing strings. A key shorter than 8 bytes is its own fingerprint
    /// (its bytes, little-endian, and its length in the top byte), so equal fingerprints of
    /// equal short lengths mean equal bytes. Longer keys mix their length and first and last
    /// eight bytes. `canOverread` allows reading 8 bytes from the start of a short key.
    @inline(__always) static func fingerprint(_ key: UnsafeBufferPointer<UInt8>, canOverread: Bool) -> UInt64 {
        let n = key.count
        guard let p = key.baseAddress, n > 0 else { return 0 }
        if n < 8 {
            var head: UInt64 = 0
            if canOverread {
                head = UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
                head &= ~0 >> UInt64(64 - n * 8)
            } else {
                for i in 0..<n { head |= UInt64(p[i]) << UInt64(i * 8) }
            }
            return head | UInt64(n) << 56
        }
        let head = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
        let tail = UnsafeRawPointer(p + n - 8).loadUnaligned(as: UInt64.self)
        return (head &* 0x9E37_79B9_7F4A_7C15) ^ (tail &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(n)
    }
}
