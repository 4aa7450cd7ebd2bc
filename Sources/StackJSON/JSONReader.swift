/// The parser's state over one input buffer (see ``JSONParser`` for the grammar it enforces).
///
/// Containers are parsed without recursion: `frames` records each open array or object, and the
/// elements of all open containers sit on the `values`/`keys` scratch stacks until their
/// container closes and moves them into exactly sized arrays.
struct JSONReader {
    let bytes: UnsafePointer<UInt8>
    let end: Int
    let maxDepth: Int
    var pos = 0

    struct Frame {
        var isObject: Bool
        /// Where this container's elements start on `values` (arrays) or `members` (objects).
        var start: Int
        /// Where this object's key fingerprints start on `fingerprints`.
        var fingerprintStart: Int
    }

    var frames: [Frame] = []
    /// Elements of the open arrays.
    var values = ScratchStack<JSON>(capacity: 64)
    /// Members of the open objects.
    var members = ScratchStack<JSONObject.Member>(capacity: 64)
    /// The key each open object is reading the value for.
    var pendingKeys = ScratchStack<String>(capacity: 16)
    /// A cheap digest of each key read by the open objects (see `fingerprint`), for duplicate
    /// detection.
    var fingerprints = ScratchStack<UInt64>(capacity: 64)
    /// Set by `parseString` for the string it just returned.
    var lastFingerprint: UInt64 = 0
    /// Recently seen keys (see `cachedKey`); only for inputs where it pays off.
    let keyCache: UnsafeMutablePointer<KeyCacheEntry>?

    init(start: UnsafePointer<UInt8>, count: Int, maxDepth: Int) {
        bytes = start
        end = count
        self.maxDepth = maxDepth
        keyCache = count >= JSONReader.keyCacheMinimumInput ? JSONReader.makeKeyCache() : nil
    }

    func release() {
        if let keyCache { JSONReader.releaseKeyCache(keyCache) }
        values.release()
        members.release()
        pendingKeys.release()
        fingerprints.release()
    }

    func fail(_ message: String, at offset: Int) -> JSONParseError {
        JSONParseError(offset: offset, message: message)
    }

    /// A human description of the byte at `offset`.
    func describe(at offset: Int) -> String {
        guard offset < end else { return "unexpected end of input" }
        let byte = bytes[offset]
        if byte >= 0x21 && byte < 0x7F { return "unexpected character '\(Character(Unicode.Scalar(byte)))'" }
        return "unexpected byte 0x\(String(byte, radix: 16, uppercase: true))"
    }

    /// The error for a byte that cannot start a value, naming the common non-JSON extensions.
    func unexpectedValue(at offset: Int) -> JSONParseError {
        guard offset < end else { return fail("unexpected end of input, expected a value", at: offset) }
        switch bytes[offset] {
        case UInt8(ascii: "/"): return fail("comments are not allowed in JSON", at: offset)
        case UInt8(ascii: "'"): return fail("strings must use double quotes", at: offset)
        case UInt8(ascii: "N"), UInt8(ascii: "I"): return fail("NaN and Infinity are not JSON numbers", at: offset)
        case UInt8(ascii: "+"): return fail("invalid number: a leading '+' is not allowed", at: offset)
        case UInt8(ascii: "."): return fail("invalid number: expected a digit before '.'", at: offset)
        case 0xEF where offset == 0: return fail("a byte order mark is not allowed", at: offset)
        default: return fail(describe(at: offset) + ", expected a value", at: offset)
        }
    }

    @inline(__always) mutating func skipWhitespace() {
        while pos < end {
            switch bytes[pos] {
            case 0x20, 0x0A, 0x0D, 0x09: pos += 1
            default: return
            }
        }
    }

    mutating func parseDocument() throws(JSONParseError) -> JSON {
        let value = try parseValue()
        skipWhitespace()
        if pos < end { throw fail(describe(at: pos) + " after the JSON value", at: pos) }
        return value
    }

    /// The main loop: parses a value, descending into containers with an explicit stack.
    mutating func parseValue() throws(JSONParseError) -> JSON {
        var value: JSON
        outer: while true {
            // Parse the start of a value.
            skipWhitespace()
            guard pos < end else { throw unexpectedValue(at: pos) }
            switch bytes[pos] {
            case UInt8(ascii: "\""):
                value = .string(try parseString(isKey: false))
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                value = .number(try parseNumber())
            case UInt8(ascii: "{"):
                try openContainer(isObject: true)
                skipWhitespace()
                if pos < end && bytes[pos] == UInt8(ascii: "}") {
                    pos += 1
                    frames.removeLast()
                    value = .object(JSONObject())
                } else {
                    try parseKey(afterComma: false)
                    continue outer
                }
            case UInt8(ascii: "["):
                try openContainer(isObject: false)
                skipWhitespace()
                if pos < end && bytes[pos] == UInt8(ascii: "]") {
                    pos += 1
                    frames.removeLast()
                    value = .array([])
                } else {
                    continue outer
                }
            case UInt8(ascii: "t"):
                try expectLiteral("true")
                value = .bool(true)
            case UInt8(ascii: "f"):
                try expectLiteral("false")
                value = .bool(false)
            case UInt8(ascii: "n"):
                try expectLiteral("null")
                value = .null
            default:
                throw unexpectedValue(at: pos)
            }

            // Attach the finished value to its container, closing containers as they end.
            while true {
                guard let frame = frames.last else { return value }
                if frame.isObject {
                    members.push((pendingKeys.popLast(), value))
                } else {
                    values.push(value)
                }
                skipWhitespace()
                guard pos < end else {
                    throw fail("unexpected end of input in \(frame.isObject ? "object" : "array")", at: pos)
                }
                let c = bytes[pos]
                pos += 1
                if c == UInt8(ascii: ",") {
                    if frame.isObject {
                        skipWhitespace()
                        try parseKey(afterComma: true)
                    } else {
                        skipWhitespace()
                        if pos < end && bytes[pos] == UInt8(ascii: "]") {
                            throw fail("trailing comma in array", at: pos - 1)
                        }
                    }
                    continue outer
                }
                frames.removeLast()
                if frame.isObject {
                    guard c == UInt8(ascii: "}") else {
                        throw fail(describe(at: pos - 1) + " in object, expected ',' or '}'", at: pos - 1)
                    }
                    value = .object(closeObject(frame))
                } else {
                    guard c == UInt8(ascii: "]") else {
                        throw fail(describe(at: pos - 1) + " in array, expected ',' or ']'", at: pos - 1)
                    }
                    value = .array(values.popArray(from: frame.start))
                }
            }
        }
    }

    /// Consumes `[` or `{` and opens a frame, enforcing the depth limit.
    @inline(__always) mutating func openContainer(isObject: Bool) throws(JSONParseError) {
        if frames.count >= maxDepth {
            throw fail("nesting deeper than the limit of \(maxDepth) levels", at: pos)
        }
        pos += 1
        frames.append(Frame(
            isObject: isObject, start: isObject ? members.count : values.count, fingerprintStart: fingerprints.count))
    }

    /// Parses `"key"` followed by `:`, pushing the key; leaves `pos` at the value.
    mutating func parseKey(afterComma: Bool) throws(JSONParseError) {
        guard pos < end, bytes[pos] == UInt8(ascii: "\"") else {
            if afterComma && pos < end && bytes[pos] == UInt8(ascii: "}") {
                throw fail("trailing comma in object", at: pos)
            }
            if pos >= end { throw fail("unexpected end of input, expected a property name", at: pos) }
            throw fail(describe(at: pos) + ", expected a property name in double quotes", at: pos)
        }
        let key = try parseString(isKey: true)
        pendingKeys.push(key)
        fingerprints.push(lastFingerprint)
        skipWhitespace()
        guard pos < end, bytes[pos] == UInt8(ascii: ":") else {
            if pos >= end { throw fail("unexpected end of input, expected ':'", at: pos) }
            throw fail(describe(at: pos) + ", expected ':' after property name", at: pos)
        }
        pos += 1
    }

    /// Moves the closing object's members off the scratch stacks. Duplicate keys (rare) take
    /// the slow path: the last value wins at the first key's position (issue 3, item 1).
    mutating func closeObject(_ frame: Frame) -> JSONObject {
        let start = frame.start
        let n = members.count - start
        var duplicate = false
        var index: [JSONKey: Int]? = nil
        if n > JSONObject.indexThreshold {
            var map = [JSONKey: Int](minimumCapacity: n)
            for i in 0..<n where map.updateValue(i, forKey: JSONKey(members.base[start + i].key)) != nil {
                duplicate = true
                break
            }
            index = map
        } else {
            let fp = fingerprints.base + frame.fingerprintStart
            let m = members.base + start
            check: for i in 1..<max(n, 1) {
                for j in 0..<i where fp[i] == fp[j] && JSONKey.same(m[i].key, m[j].key) {
                    duplicate = true
                    break check
                }
            }
        }
        fingerprints.pop(to: frame.fingerprintStart)
        let objectMembers = members.popArray(from: start)
        if !duplicate { return JSONObject(uniqueMembers: objectMembers, index: index) }
        var object = JSONObject(minimumCapacity: n)
        for (key, value) in objectMembers { object[key] = value }
        return object
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        let start = literal.utf8Start
        var i = 0
        while i < count {
            guard pos + i < end, bytes[pos + i] == start[i] else {
                throw fail("invalid literal, expected '\(literal)'", at: pos)
            }
            i += 1
        }
        pos += count
    }
}
