extension JSONReader {
    @inline(__always) func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }

    /// Parses a number (RFC 8259 §6). Integer literals within `Int64` stay exact; other numbers
    /// become correctly rounded doubles: Clinger's fast path when the decimal significand fits in
    /// 53 bits and the power of ten is exact (one correctly rounded IEEE operation), otherwise
    /// the standard library's correctly rounding `Double(_: Substring)`.
    mutating func parseNumber() throws(JSONParseError) -> JSONNumber {
        let start = pos
        let negative = bytes[pos] == UInt8(ascii: "-")
        if negative { pos += 1 }
        guard pos < end, isDigit(bytes[pos]) else {
            if pos < end && (bytes[pos] == UInt8(ascii: "I") || bytes[pos] == UInt8(ascii: "N")) {
                throw fail("NaN and Infinity are not JSON numbers", at: start)
            }
            throw fail("invalid number: expected a digit after '-'", at: pos)
        }
        // The digits accumulate into `significand` with wrapping arithmetic; past 19 digits (which
        // may wrap) only the slow path below is used, so a wrapped value is never read.
        var significand: UInt64 = 0
        var digits = 0  // digits accumulated in `significand`, leading zeros included
        var exponent = 0  // decimal exponent applying to `significand`
        if bytes[pos] == UInt8(ascii: "0") {
            pos += 1
            if pos < end && isDigit(bytes[pos]) { throw fail("invalid number: leading zeros are not allowed", at: start) }
        } else {
            var i = pos
            while i < end {
                let d = bytes[i] &- 0x30
                if d >= 10 { break }
                significand = significand &* 10 &+ UInt64(d)
                i += 1
            }
            digits = i - pos
            pos = i
        }
        var integral = true
        if pos < end && bytes[pos] == UInt8(ascii: ".") {
            integral = false
            pos += 1
            guard pos < end, isDigit(bytes[pos]) else { throw fail("invalid number: expected a digit after '.'", at: pos) }
            var i = pos
            while i < end {
                let d = bytes[i] &- 0x30
                if d >= 10 { break }
                significand = significand &* 10 &+ UInt64(d)
                i += 1
            }
            digits += i - pos
            exponent -= i - pos
            pos = i
        }
        if pos < end && (bytes[pos] | 0x20) == UInt8(ascii: "e") {
            integral = false
            pos += 1
            var exponentNegative = false
            if pos < end && (bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-")) {
                exponentNegative = bytes[pos] == UInt8(ascii: "-")
                pos += 1
            }
            guard pos < end, isDigit(bytes[pos]) else {
                throw fail("invalid number: expected a digit in the exponent", at: pos)
            }
            var e = 0
            while pos < end, isDigit(bytes[pos]) {
                if e < 100_000 { e = e * 10 + Int(bytes[pos] &- 0x30) }
                pos += 1
            }
            exponent += exponentNegative ? -e : e
        }
        if integral && digits <= 19 {
            if digits <= 18 || significand <= UInt64(Int64.max) {
                let v = Int64(significand)
                return .int(negative ? -v : v)  // `-0` is the integer 0
            }
            if negative && significand == UInt64(Int64.max) + 1 { return .int(.min) }
        }
        if digits <= 19 && significand <= 1 << 53 && exponent >= -22 && exponent <= 22 {
            var d = Double(significand)
            if exponent < 0 { d /= JSONReader.powerOfTen(-exponent) } else { d *= JSONReader.powerOfTen(exponent) }
            return .double(negative ? -d : d)
        }
        let text = Substring(decoding: UnsafeBufferPointer(start: bytes + start, count: pos - start), as: UTF8.self)
        guard let d = Double(text), d.isFinite else {
            throw fail("number out of range of a 64-bit floating point value", at: start)
        }
        return .double(d)
    }

    /// 10^n for 0 ≤ n ≤ 22, the powers of ten a `Double` holds exactly.
    @inline(__always) static func powerOfTen(_ n: Int) -> Double {
        switch n {
        case 0: 1e0
        case 1: 1e1
        case 2: 1e2
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        case 7: 1e7
        case 8: 1e8
        case 9: 1e9
        case 10: 1e10
        case 11: 1e11
        case 12: 1e12
        case 13: 1e13
        case 14: 1e14
        case 15: 1e15
        case 16: 1e16
        case 17: 1e17
        case 18: 1e18
        case 19: 1e19
        case 20: 1e20
        case 21: 1e21
        default: 1e22
        }
    }
}
