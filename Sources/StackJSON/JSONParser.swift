/// Limits the parser enforces; exceeding one is a ``JSONParseError``, never a crash.
public struct JSONParserOptions: Sendable {
    /// Maximum nesting of arrays and objects (default 256).
    public var maxDepth: Int
    /// Maximum input size in bytes (default: no limit beyond memory).
    public var maxBytes: Int

    public init(maxDepth: Int = 256, maxBytes: Int = Int.max) {
        self.maxDepth = maxDepth
        self.maxBytes = maxBytes
    }

    public static let `default` = JSONParserOptions()
}

/// A strict RFC 8259 parser over UTF-8 bytes.
///
/// Rejects trailing commas, comments, `NaN`/`Infinity`, leading zeros, control characters and
/// lone surrogates in strings, invalid UTF-8, numbers outside the range of a `Double`, and any
/// non-whitespace after the value. It is iterative (an explicit stack), so nesting depth costs
/// heap, not call stack.
public enum JSONParser {
    /// Parses one JSON text.
    public static func parse<C: Collection>(
        _ bytes: C, options: JSONParserOptions = .default
    ) throws(JSONParseError) -> JSON where C.Element == UInt8 {
        let result = bytes.withContiguousStorageIfAvailable { parse(buffer: $0, options: options) }
            ?? Array(bytes).withUnsafeBufferPointer { parse(buffer: $0, options: options) }
        return try result.get()
    }

    /// Parses one JSON text from a string's UTF-8.
    public static func parse(_ text: String, options: JSONParserOptions = .default) throws(JSONParseError) -> JSON {
        var text = text
        return try text.withUTF8 { parse(buffer: $0, options: options) }.get()
    }

    /// Parses one JSON text from a buffer of UTF-8 bytes.
    public static func parse(
        buffer: UnsafeBufferPointer<UInt8>, options: JSONParserOptions = .default
    ) -> Result<JSON, JSONParseError> {
        var reader = Reader(buffer: buffer, options: options)
        do throws(JSONParseError) {
            return .success(try reader.parseDocument())
        } catch {
            return .failure(error)
        }
    }
}

extension JSON {
    /// Parses a JSON text (see ``JSONParser``).
    public init(parsing text: String, options: JSONParserOptions = .default) throws(JSONParseError) {
        self = try JSONParser.parse(text, options: options)
    }

    /// Parses a JSON text from UTF-8 bytes (see ``JSONParser``).
    public init(parsing bytes: [UInt8], options: JSONParserOptions = .default) throws(JSONParseError) {
        self = try JSONParser.parse(bytes, options: options)
    }
}

private enum Container {
    case array([JSON])
    case object(JSONObject, pendingKey: String)
}

private struct Reader {
    let buffer: UnsafeBufferPointer<UInt8>
    let options: JSONParserOptions
    var pos = 0
    var stack: [Container] = []

    init(buffer: UnsafeBufferPointer<UInt8>, options: JSONParserOptions) {
        self.buffer = buffer
        self.options = options
    }

    func fail(_ message: String, at offset: Int? = nil) -> JSONParseError {
        JSONParseError(offset: offset ?? pos, message: message)
    }

    func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "unexpected character '\(Character(Unicode.Scalar(byte)))'" }
        return "unexpected byte 0x\(String(byte, radix: 16, uppercase: true))"
    }

    @inline(__always) mutating func skipWhitespace() {
        while pos < buffer.count {
            switch buffer[pos] {
            case 0x20, 0x0A, 0x0D, 0x09: pos += 1
            default: return
            }
        }
    }

    mutating func parseDocument() throws(JSONParseError) -> JSON {
        if buffer.count > options.maxBytes {
            throw fail("input is larger than \(options.maxBytes) bytes", at: 0)
        }
        let value = try parseValue()
        skipWhitespace()
        if pos < buffer.count { throw fail("\(describe(buffer[pos])) after the JSON value") }
        return value
    }

    /// The main loop: parses a value, descending into containers with an explicit stack.
    mutating func parseValue() throws(JSONParseError) -> JSON {
        var value: JSON
        outer: while true {
            // Parse the start of a value.
            skipWhitespace()
            guard pos < buffer.count else { throw fail("unexpected end of input, expected a value") }
            switch buffer[pos] {
            case UInt8(ascii: "{"):
                pos += 1
                try pushCheckDepth()
                skipWhitespace()
                if pos < buffer.count && buffer[pos] == UInt8(ascii: "}") {
                    pos += 1
                    value = .object(JSONObject())
                } else {
                    let key = try parseKey()
                    stack.append(.object(JSONObject(), pendingKey: key))
                    continue outer
                }
            case UInt8(ascii: "["):
                pos += 1
                try pushCheckDepth()
                skipWhitespace()
                if pos < buffer.count && buffer[pos] == UInt8(ascii: "]") {
                    pos += 1
                    value = .array([])
                } else {
                    stack.append(.array([]))
                    continue outer
                }
            case UInt8(ascii: "\""):
                value = .string(try parseString())
            case UInt8(ascii: "t"):
                try expectLiteral("true")
                value = .bool(true)
            case UInt8(ascii: "f"):
                try expectLiteral("false")
                value = .bool(false)
            case UInt8(ascii: "n"):
                try expectLiteral("null")
                value = .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                value = .number(try parseNumber())
            default:
                throw fail(describe(buffer[pos]) + ", expected a value")
            }

            // Attach the finished value to its container, closing containers as they end.
            while true {
                guard let top = stack.popLast() else { return value }
                skipWhitespace()
                switch top {
                case .array(var elements):
                    elements.append(value)
                    guard pos < buffer.count else { throw fail("unexpected end of input in array") }
                    let c = buffer[pos]
                    pos += 1
                    if c == UInt8(ascii: ",") {
                        stack.append(.array(elements))
                        continue outer
                    } else if c == UInt8(ascii: "]") {
                        value = .array(elements)
                    } else {
                        throw fail(describe(c) + " in array, expected ',' or ']'", at: pos - 1)
                    }
                case .object(var object, let key):
                    object[key] = value  // a duplicate key keeps its first position and takes the last value
                    guard pos < buffer.count else { throw fail("unexpected end of input in object") }
                    let c = buffer[pos]
                    pos += 1
                    if c == UInt8(ascii: ",") {
                        skipWhitespace()
                        let next = try parseKey()
                        stack.append(.object(object, pendingKey: next))
                        continue outer
                    } else if c == UInt8(ascii: "}") {
                        value = .object(object)
                    } else {
                        throw fail(describe(c) + " in object, expected ',' or '}'", at: pos - 1)
                    }
                }
            }
        }
    }

    mutating func pushCheckDepth() throws(JSONParseError) {
        if stack.count + 1 > options.maxDepth {
            throw fail("nesting deeper than \(options.maxDepth) levels", at: pos - 1)
        }
    }

    /// Parses `"key"` followed by `:`, leaving `pos` at the value.
    mutating func parseKey() throws(JSONParseError) -> String {
        guard pos < buffer.count else { throw fail("unexpected end of input, expected a property name") }
        guard buffer[pos] == UInt8(ascii: "\"") else {
            throw fail(describe(buffer[pos]) + ", expected a property name in double quotes")
        }
        let key = try parseString()
        skipWhitespace()
        guard pos < buffer.count, buffer[pos] == UInt8(ascii: ":") else {
            if pos >= buffer.count { throw fail("unexpected end of input, expected ':'") }
            throw fail(describe(buffer[pos]) + ", expected ':' after property name")
        }
        pos += 1
        return key
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        let start = literal.utf8Start
        guard pos + count <= buffer.count else { throw fail("invalid literal, expected '\(literal)'") }
        for i in 0..<count where buffer[pos + i] != start[i] {
            throw fail("invalid literal, expected '\(literal)'")
        }
        pos += count
    }

    // MARK: Strings

    /// Parses a string starting at the opening quote.
    mutating func parseString() throws(JSONParseError) -> String {
        let open = pos
        pos += 1
        let start = pos
        var ascii = true
        // Fast scan: no escapes.
        while pos < buffer.count {
            let c = buffer[pos]
            if c == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: buffer[start..<pos])
                pos += 1
                if ascii { return String(decoding: slice, as: UTF8.self) }
                guard let s = String(validating: slice, as: UTF8.self) else {
                    throw fail("invalid UTF-8 in string", at: start + invalidUTF8Offset(slice))
                }
                return s
            }
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 { throw fail("control character in string (must be escaped)") }
            if c >= 0x80 { ascii = false }
            pos += 1
        }
        if pos >= buffer.count { throw fail("unterminated string", at: open) }
        // Slow path with escapes.
        var bytes = [UInt8]()
        bytes.reserveCapacity(pos - start + 16)
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<pos]))
        while pos < buffer.count {
            let c = buffer[pos]
            switch c {
            case UInt8(ascii: "\""):
                pos += 1
                guard let s = String(validating: bytes, as: UTF8.self) else {
                    throw fail("invalid UTF-8 in string", at: open)
                }
                return s
            case UInt8(ascii: "\\"):
                pos += 1
                guard pos < buffer.count else { break }
                let e = buffer[pos]
                pos += 1
                switch e {
                case UInt8(ascii: "\""): bytes.append(0x22)
                case UInt8(ascii: "\\"): bytes.append(0x5C)
                case UInt8(ascii: "/"): bytes.append(0x2F)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"):
                    let scalar = try parseUnicodeEscape()
                    appendUTF8(scalar, to: &bytes)
                default:
                    throw fail("invalid escape '\\\(Character(Unicode.Scalar(e)))' in string", at: pos - 2)
                }
            default:
                if c < 0x20 { throw fail("control character in string (must be escaped)") }
                bytes.append(c)
                pos += 1
            }
        }
        throw fail("unterminated string", at: open)
    }

    mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        guard pos + 4 <= buffer.count else { throw fail("incomplete \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = buffer[pos]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw fail("invalid hex digit in \\u escape")
            }
            v = v << 4 | d
            pos += 1
        }
        return v
    }

    /// Parses the 4 hex digits after `\u` (and a following low surrogate escape when needed).
    mutating func parseUnicodeEscape() throws(JSONParseError) -> Unicode.Scalar {
        let at = pos - 2
        let first = try parseHex4()
        if first >= 0xD800 && first <= 0xDBFF {
            guard pos + 6 <= buffer.count, buffer[pos] == UInt8(ascii: "\\"), buffer[pos + 1] == UInt8(ascii: "u")
            else { throw fail("lone high surrogate in \\u escape", at: at) }
            pos += 2
            let second = try parseHex4()
            guard second >= 0xDC00 && second <= 0xDFFF else { throw fail("invalid surrogate pair in \\u escape", at: at) }
            let combined = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            return Unicode.Scalar(combined)!
        }
        if first >= 0xDC00 && first <= 0xDFFF { throw fail("lone low surrogate in \\u escape", at: at) }
        return Unicode.Scalar(first)!
    }

    func appendUTF8(_ scalar: Unicode.Scalar, to bytes: inout [UInt8]) {
        for unit in UTF8.encode(scalar)! { bytes.append(unit) }
    }

    func invalidUTF8Offset(_ slice: UnsafeBufferPointer<UInt8>) -> Int {
        var iterator = slice.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let e): offset += e.count
            case .emptyInput: return offset
            case .error: return offset
            }
        }
    }

    // MARK: Numbers

    mutating func parseNumber() throws(JSONParseError) -> JSONNumber {
        let start = pos
        var negative = false
        if buffer[pos] == UInt8(ascii: "-") {
            negative = true
            pos += 1
        }
        guard pos < buffer.count, isDigit(buffer[pos]) else { throw fail("invalid number: expected a digit", at: pos) }
        var integral = true
        if buffer[pos] == UInt8(ascii: "0") {
            pos += 1
            if pos < buffer.count && isDigit(buffer[pos]) { throw fail("invalid number: leading zero", at: start) }
        } else {
            while pos < buffer.count && isDigit(buffer[pos]) { pos += 1 }
        }
        if pos < buffer.count && buffer[pos] == UInt8(ascii: ".") {
            integral = false
            pos += 1
            guard pos < buffer.count, isDigit(buffer[pos]) else {
                throw fail("invalid number: expected a digit after '.'")
            }
            while pos < buffer.count && isDigit(buffer[pos]) { pos += 1 }
        }
        if pos < buffer.count && (buffer[pos] == UInt8(ascii: "e") || buffer[pos] == UInt8(ascii: "E")) {
            integral = false
            pos += 1
            if pos < buffer.count && (buffer[pos] == UInt8(ascii: "+") || buffer[pos] == UInt8(ascii: "-")) { pos += 1 }
            guard pos < buffer.count, isDigit(buffer[pos]) else {
                throw fail("invalid number: expected a digit in the exponent")
            }
            while pos < buffer.count && isDigit(buffer[pos]) { pos += 1 }
        }
        if integral {
            let digitsStart = negative ? start + 1 : start
            if pos - digitsStart <= 18 {
                var v: Int64 = 0
                for i in digitsStart..<pos { v = v &* 10 &+ Int64(buffer[i] &- 0x30) }
                if negative && v == 0 { return .double(-0.0) }  // keep the sign of -0
                return .int(negative ? -v : v)
            }
            // Up to 19 digits may still fit in Int64.
            var v: Int64 = 0
            var overflow = false
            for i in digitsStart..<pos {
                let d = Int64(buffer[i] &- 0x30)
                let (m, o1) = v.multipliedReportingOverflow(by: 10)
                let (s, o2) = negative ? m.subtractingReportingOverflow(d) : m.addingReportingOverflow(d)
                if o1 || o2 { overflow = true; break }
                v = s
            }
            if !overflow { return .int(v) }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<pos]), as: UTF8.self)
        guard let d = Double(text), d.isFinite else { throw fail("number out of range", at: start) }
        return .double(d)
    }

    @inline(__always) func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
}
