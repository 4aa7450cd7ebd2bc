/// The parser's state over one input buffer (see ``JSONParser`` for the grammar it enforces).
///
/// Containers are parsed without recursion: `frames` records each open array or object, and the
/// elements of all open containers sit on the `values`/`members` scratch stacks until their
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

    var frames: ScratchStack<Frame>
    /// Whether the innermost open container is an object (`top.isObject`, kept at hand).
    var inObject = false
    /// Elements of the open arrays.
    var values: ScratchStack<JSON>
    /// Members of the open objects.
    var members: ScratchStack<JSONObject.Member>
    /// The key each open object is reading the value for.
    var pendingKeys: ScratchStack<String>
    /// A cheap digest of each key read by the open objects (see `fingerprint`), for duplicate
    /// detection.
    var fingerprints: ScratchStack<UInt64>
    /// Set by `parseString` for the string it just returned.
    var lastFingerprint: UInt64 = 0
    /// Where `parseString` decodes strings with escapes (made on first use).
    var unescaped: JSONWriter? = nil
    /// Recently seen keys (see `cachedKey`); only for inputs where it pays off.
    let keyCache: UnsafeMutablePointer<KeyCacheEntry>?

    /// Bytes of initial scratch storage the caller provides (see `init`): room for 16 open
    /// containers, 32 pending array elements and 32 pending object members before any stack
    /// moves to the heap.
    static var scratchByteCount: Int {
        region(16, Frame.self) + region(32, JSON.self) + region(32, JSONObject.Member.self)
            + region(16, String.self) + region(32, UInt64.self)
    }

    /// The bytes for `count` elements of `type`, rounded up to keep the next region 16-aligned.
    static func region<T>(_ count: Int, _ type: T.Type) -> Int {
        (count * MemoryLayout<T>.stride + 15) & ~15
    }

    /// A reader over `count` bytes at `start`, its stacks starting in `scratch`
    /// (`scratchByteCount` bytes, 16-aligned, alive until `release()`).
    init(start: UnsafePointer<UInt8>, count: Int, maxDepth: Int, scratch: UnsafeMutableRawPointer) {
        bytes = start
        end = count
        self.maxDepth = maxDepth
        var at = scratch
        func take<T>(_ n: Int, _ type: T.Type) -> ScratchStack<T> {
            let bytes = JSONReader.region(n, type)
            defer { at += bytes }
            return ScratchStack<T>(storage: at, byteCount: bytes)
        }
        frames = take(16, Frame.self)
        values = take(32, JSON.self)
        members = take(32, JSONObject.Member.self)
        pendingKeys = take(16, String.self)
        fingerprints = take(32, UInt64.self)
        keyCache = count >= JSONReader.keyCacheMinimumInput ? JSONReader.makeKeyCache() : nil
    }

    func release() {
        if let keyCache { JSONReader.releaseKeyCache(keyCache) }
        unescaped?.release()
        frames.release()
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

    /// The innermost open container (the root frame when none is open).
    @inline(__always) var top: Frame { frames.base[frames.count - 1] }

    /// Pops the innermost frame.
    @inline(__always) mutating func closeFrame() {
        frames.pop(to: frames.count - 1)
        inObject = top.isObject
    }

    /// Adds a finished value to the innermost open container (to the root frame at the top level).
    @inline(__always) mutating func emit(_ value: consuming JSON) {
        if inObject {
            members.push((pendingKeys.popLast(), value))
        } else {
            values.push(value)
        }
    }

    /// The main loop: parses a value, descending into containers with an explicit stack. Every
    /// finished value goes straight onto the scratch stacks; the root frame collects the document.
    mutating func parseValue() throws(JSONParseError) -> JSON {
        frames.push(Frame(isObject: false, start: 0, fingerprintStart: 0))  // the root frame
        outer: while true {
            // Parse the start of a value.
            skipWhitespace()
            guard pos < end else { throw unexpectedValue(at: pos) }
            switch bytes[pos] {
            case UInt8(ascii: "\""):
                if let length = shortASCIIStringLength() {
                    emit(.string(JSONReader.makeString(UnsafeBufferPointer(start: bytes + pos + 1, count: length))))
                    pos += length + 2
                } else {
                    emit(.string(try parseString(isKey: false)))
                }
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                emit(.number(try parseNumber()))
            case UInt8(ascii: "{"):
                try openContainer(isObject: true)
                skipWhitespace()
                if pos < end && bytes[pos] == UInt8(ascii: "}") {
                    pos += 1
                    closeFrame()
                    emit(.object(JSONObject()))
                } else {
                    try parseKey(afterComma: false)
                    continue outer
                }
            case UInt8(ascii: "["):
                try openContainer(isObject: false)
                skipWhitespace()
                if pos < end && bytes[pos] == UInt8(ascii: "]") {
                    pos += 1
                    closeFrame()
                    emit(.array([]))
                } else {
                    continue outer
                }
            case UInt8(ascii: "t"):
                try expectLiteral("true")
                emit(.bool(true))
            case UInt8(ascii: "f"):
                try expectLiteral("false")
                emit(.bool(false))
            case UInt8(ascii: "n"):
                try expectLiteral("null")
                emit(.null)
            default:
                throw unexpectedValue(at: pos)
            }

            // After a value: a separator continues its container, a bracket closes it.
            while true {
                if frames.count == 1 { return values.popLast() }  // the document is complete
                let frame = top
                skipWhitespace()
                guard pos < end else {
                    throw fail("unexpected end of input in \(frame.isObject ? "object" : "array")", at: pos)
                }
                let c = bytes[pos]
                pos += 1
                if c == UInt8(ascii: ",") {
                    skipWhitespace()
                    if frame.isObject {
                        try parseKey(afterComma: true)
                    } else if pos < end && bytes[pos] == UInt8(ascii: "]") {
                        throw fail("trailing comma in array", at: pos - 1)
                    }
                    continue outer
                }
                if frame.isObject {
                    guard c == UInt8(ascii: "}") else {
                        throw fail(describe(at: pos - 1) + " in object, expected ',' or '}'", at: pos - 1)
                    }
                    closeFrame()
                    emit(.object(closeObject(frame)))
                } else {
                    guard c == UInt8(ascii: "]") else {
                        throw fail(describe(at: pos - 1) + " in array, expected ',' or ']'", at: pos - 1)
                    }
                    closeFrame()
                    emit(.array(values.popArray(from: frame.start)))
                }
            }
        }
    }

    /// Consumes `[` or `{` and opens a frame, enforcing the depth limit.
    @inline(__always) mutating func openContainer(isObject: Bool) throws(JSONParseError) {
        if frames.count > maxDepth {  // the root frame is not a level
            throw fail("nesting deeper than the limit of \(maxDepth) levels", at: pos)
        }
        pos += 1
        inObject = isObject
        frames.push(Frame(
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
        if let length = shortASCIIStringLength() {
            // The common case: a short key of plain ASCII (in a large input, most likely seen before).
            let start = pos + 1
            let key = UnsafeBufferPointer(start: bytes + start, count: length)
            let fingerprint = JSONReader.fingerprint(key, canOverread: true)
            if let keyCache {
                pendingKeys.push(cachedKey(keyCache, start: start, length: length, fingerprint: fingerprint))
            } else {
                pendingKeys.push(JSONReader.makeString(key))
            }
            fingerprints.push(fingerprint)
            pos = start + length + 1
        } else {
            pendingKeys.push(try parseString(isKey: true))
            fingerprints.push(lastFingerprint)
        }
        skipWhitespace()
        guard pos < end, bytes[pos] == UInt8(ascii: ":") else {
            if pos >= end { throw fail("unexpected end of input, expected ':'", at: pos) }
            throw fail(describe(at: pos) + ", expected ':' after property name", at: pos)
        }
        pos += 1
    }

    /// The length of the string at `pos` when it closes within 16 bytes and holds only printable
    /// ASCII other than `\` (so it needs no decoding or validation), else `nil`.
    @inline(__always) func shortASCIIStringLength() -> Int? {
        guard pos + 17 <= end else { return nil }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var offset = 0
        while offset < 16 {
            let w = UInt64(littleEndian: UnsafeRawPointer(bytes + pos + 1 + offset).loadUnaligned(as: UInt64.self))
            let quote = w ^ (ones &* 0x22)
            let backslash = w ^ (ones &* 0x5C)
            // Quotes, backslashes, control characters and non-ASCII bytes; the lowest flag is exact.
            let flags = (((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((w &- ones &* 0x20) & ~w) | w)
                & highs
            if flags != 0 {
                let length = offset + flags.trailingZeroBitCount >> 3
                return bytes[pos + 1 + length] == UInt8(ascii: "\"") ? length : nil
            }
            offset += 8
        }
        return nil
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
