/// The formats asserted when ``JSONSchema/Options/formatAssertion`` is on (JSON Schema Validation
/// 2020-12 §7.3). Each check is written by hand against its RFC; a non-string always passes.
enum FormatChecker: String, Sendable, CaseIterable {
    case dateTime = "date-time"
    case date
    case time
    case duration
    case email
    case hostname
    case ipv4
    case ipv6
    case uri
    case uriReference = "uri-reference"
    case uuid
    case jsonPointer = "json-pointer"
    case regex

    /// Whether `s` is valid for the format.
    func check(_ s: String) -> Bool {
        switch self {
        case .dateTime, .date, .time, .uuid:
            // The formats records use most: checked in place, without copying the bytes.
            if let result = s.utf8.withContiguousStorageIfAvailable({ checkInPlace($0) }) { return result }
            return checkInPlace(Array(s.utf8))
        default:
            return checkCopy(s)
        }
    }

    private func checkInPlace<C: RandomAccessCollection>(_ b: C) -> Bool where C.Element == UInt8, C.Index == Int {
        switch self {
        case .dateTime:
            guard b.count >= 20, b[b.startIndex + 10] == 0x54 || b[b.startIndex + 10] == 0x74 else { return false }
            return FormatChecker.isDate(b[b.startIndex..<b.startIndex + 10]) && FormatChecker.isTime(b[(b.startIndex + 11)...])
        case .date: return b.count == 10 && FormatChecker.isDate(b[...])
        case .time: return FormatChecker.isTime(b[...])
        case .uuid: return FormatChecker.isUUID(b)
        default: return checkCopy(String(decoding: b, as: UTF8.self))
        }
    }

    private func checkCopy(_ s: String) -> Bool {
        let b = Array(s.utf8)
        switch self {
        case .dateTime: return FormatChecker.isDateTime(b)
        case .date: return b.count == 10 && FormatChecker.isDate(b[...])
        case .time: return FormatChecker.isTime(b[...])
        case .duration: return FormatChecker.isDuration(b)
        case .email: return FormatChecker.isEmail(b)
        case .hostname: return FormatChecker.isHostname(b)
        case .ipv4: return FormatChecker.isIPv4(b[...])
        case .ipv6: return FormatChecker.isIPv6(b[...])
        case .uri: return URIFormat.isURI(b, requireScheme: true)
        case .uriReference: return URIFormat.isURI(b, requireScheme: false)
        case .uuid: return FormatChecker.isUUID(b)
        case .jsonPointer: return JSONPointer(s) != nil
        case .regex: return ECMARegex(s) != nil
        }
    }

    // MARK: RFC 3339 §5.6

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    static func number<C: Collection>(_ b: C) -> Int? where C.Element == UInt8 {
        guard !b.isEmpty, b.allSatisfy(isDigit) else { return nil }
        return b.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// full-date = date-fullyear "-" date-month "-" date-mday
    static func isDate<C: RandomAccessCollection>(_ b: C) -> Bool where C.Element == UInt8, C.Index == Int {
        guard b.count == 10 else { return false }
        let s = b.startIndex
        guard b[s + 4] == 0x2D, b[s + 7] == 0x2D,
            let y = number(b[s..<s + 4]), let m = number(b[s + 5..<s + 7]), let d = number(b[s + 8..<s + 10])
        else { return false }
        return (1...12).contains(m) && d >= 1 && d <= daysIn(month: m, year: y)
    }

    /// full-time = partial-time time-offset; a leap second (":60") must be 23:59:60 in UTC.
    static func isTime<C: RandomAccessCollection>(_ b: C) -> Bool where C.Element == UInt8, C.Index == Int {
        guard b.count >= 9 else { return false }
        let s = b.startIndex
        guard b[s + 2] == 0x3A, b[s + 5] == 0x3A,
            let h = number(b[s..<s + 2]), let m = number(b[s + 3..<s + 5]), let sec = number(b[s + 6..<s + 8]),
            h <= 23, m <= 59, sec <= 60
        else { return false }
        var i = s + 8
        if b[i] == 0x2E {  // time-secfrac
            i += 1
            let start = i
            while i < b.endIndex, isDigit(b[i]) { i += 1 }
            if i == start { return false }
        }
        guard i < b.endIndex else { return false }
        var offsetMinutes = 0
        switch b[i] {
        case 0x5A, 0x7A:  // Z z
            guard i + 1 == b.endIndex else { return false }
        case 0x2B, 0x2D:  // + -
            guard b.endIndex - i == 6, b[i + 3] == 0x3A,
                let oh = number(b[i + 1..<i + 3]), let om = number(b[i + 4..<i + 6]), oh <= 23, om <= 59
            else { return false }
            offsetMinutes = (oh * 60 + om) * (b[i] == 0x2B ? 1 : -1)
        default:
            return false
        }
        if sec == 60 {
            let utc = ((h * 60 + m - offsetMinutes) % 1440 + 1440) % 1440
            return utc == 23 * 60 + 59
        }
        return true
    }

    static func isDateTime(_ b: [UInt8]) -> Bool {
        guard b.count >= 20, b[10] == 0x54 || b[10] == 0x74 else { return false }
        return isDate(b[0..<10]) && isTime(b[11...])
    }

    // MARK: ISO 8601 duration (RFC 3339 Appendix A)

    /// duration = "P" (dur-date [dur-time] / dur-time / dur-week); units in order, none skipped.
    static func isDuration(_ b: [UInt8]) -> Bool {
        guard b.first == 0x50 else { return false }  // P
        var i = 1
        var inTime = false
        var last = -1
        var count = 0
        var timeCount = 0
        var week = false
        while i < b.count {
            guard !week else { return false }
            if b[i] == 0x54 {  // T
                guard !inTime else { return false }
                inTime = true
                last = -1
                i += 1
                continue
            }
            let start = i
            while i < b.count, isDigit(b[i]) { i += 1 }
            guard i > start, i < b.count else { return false }
            let rank: Int
            switch (inTime, b[i]) {
            case (false, 0x57):  // W
                guard count == 0 else { return false }
                week = true
                rank = 0
            case (false, 0x59), (true, 0x48): rank = 0  // Y, H
            case (false, 0x4D), (true, 0x4D): rank = 1  // M
            case (false, 0x44), (true, 0x53): rank = 2  // D, S
            default: return false
            }
            if last >= 0 && rank != last + 1 { return false }
            last = rank
            count += 1
            if inTime { timeCount += 1 }
            i += 1
        }
        return count > 0 && (!inTime || timeCount > 0)
    }

    // MARK: RFC 5321 §4.1.2 mailbox (ASCII)

    static func isEmail(_ b: [UInt8]) -> Bool {
        guard let at = b.lastIndex(of: 0x40), at > 0, at < b.count - 1 else { return false }
        let local = b[..<at]
        let domain = b[(at + 1)...]
        // Local-part = Dot-string / Quoted-string
        if local.first == 0x22 {
            guard local.count >= 2, local.last == 0x22 else { return false }
            var i = local.startIndex + 1
            while i < local.endIndex - 1 {
                let c = local[i]
                if c == 0x5C {
                    i += 1
                    guard i < local.endIndex - 1, local[i] >= 0x20, local[i] <= 0x7E else { return false }
                } else if c < 0x20 || c > 0x7E || c == 0x22 {
                    return false
                }
                i += 1
            }
        } else {
            let atext = Set("!#$%&'*+-/=?^_`{|}~".utf8)
            for atom in local.split(separator: 0x2E, omittingEmptySubsequences: false) {
                guard !atom.isEmpty,
                    atom.allSatisfy({ isAlnum($0) || atext.contains($0) })
                else { return false }
            }
        }
        // Domain / address-literal
        if domain.first == 0x5B {
            guard domain.last == 0x5D else { return false }
            let inner = domain.dropFirst().dropLast()
            if inner.starts(with: Array("IPv6:".utf8)) { return isIPv6(inner.dropFirst(5)) }
            return isIPv4(inner)
        }
        return isHostname(Array(domain))
    }

    @inline(__always) static func isAlnum(_ c: UInt8) -> Bool {
        isDigit(c) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
    }

    // MARK: RFC 1123 §2.1 host names (with RFC 5891 A-label checks)

    static func isHostname(_ b: [UInt8]) -> Bool {
        guard !b.isEmpty, b.count <= 253 else { return false }
        for label in b.split(separator: 0x2E, omittingEmptySubsequences: false) {
            guard !label.isEmpty, label.count <= 63,
                label.allSatisfy({ isAlnum($0) || $0 == 0x2D }),
                label.first != 0x2D, label.last != 0x2D
            else { return false }
            // RFC 5891 §4.2.3.1: hyphens in positions 3 and 4 only for A-labels ("xn--").
            if label.count >= 4, label[label.startIndex + 2] == 0x2D, label[label.startIndex + 3] == 0x2D {
                let prefix = label.prefix(2).map { $0 | 0x20 }
                guard prefix == [0x78, 0x6E] else { return false }
                guard Punycode.isValidALabel(label.dropFirst(4)) else { return false }
            }
        }
        return true
    }

    // MARK: RFC 2673 §3.2 dotted-quad

    static func isIPv4(_ b: ArraySlice<UInt8>) -> Bool {
        let parts = b.split(separator: 0x2E, omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        for p in parts {
            guard !p.isEmpty, p.count <= 3, let n = number(p), n <= 255 else { return false }
            if p.count > 1 && p.first == 0x30 { return false }  // no leading zeros
        }
        return true
    }

    // MARK: RFC 4291 §2.2

    static func isIPv6(_ b: ArraySlice<UInt8>) -> Bool {
        guard !b.isEmpty else { return false }
        var groups = 0
        var sawDoubleColon = false
        var parts = b.split(separator: 0x3A, omittingEmptySubsequences: false)[...]
        // Leading/trailing "::" produce empty parts; a lone leading/trailing ":" is invalid.
        if parts.first?.isEmpty == true {
            guard parts.count > 1, parts[parts.startIndex + 1].isEmpty else { return false }
            parts.removeFirst()
        }
        if parts.last?.isEmpty == true {
            guard parts.count > 1, parts[parts.endIndex - 2].isEmpty else { return false }
            parts.removeLast()
        }
        for (k, p) in parts.enumerated() {
            if p.isEmpty {
                if sawDoubleColon { return false }
                sawDoubleColon = true
                continue
            }
            if k == parts.count - 1, p.contains(0x2E) {
                guard isIPv4(p) else { return false }
                groups += 2
                continue
            }
            guard p.count <= 4, p.allSatisfy({ isDigit($0) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) }) else {
                return false
            }
            groups += 1
        }
        return sawDoubleColon ? groups <= 7 : groups == 8
    }

    // MARK: RFC 4122 §3 string form

    static func isUUID<C: RandomAccessCollection>(_ b: C) -> Bool where C.Element == UInt8, C.Index == Int {
        guard b.count == 36 else { return false }
        for (i, c) in b.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                guard c == 0x2D else { return false }
            } else {
                guard isDigit(c) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x66) else { return false }
            }
        }
        return true
    }
}
