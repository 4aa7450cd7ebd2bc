/// How ``JSONSerializer`` lays out its output.
public struct JSONSerializationOptions: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Newlines and two-space indentation.
    public static let pretty = JSONSerializationOptions(rawValue: 1)
    /// Object members in code-point order of their keys.
    public static let sortedKeys = JSONSerializationOptions(rawValue: 2)
}

/// Writes JSON values as UTF-8 text.
///
/// Compact by default. Escapes exactly what RFC 8259 requires (`"`, `\`, and control characters);
/// everything else, non-ASCII included, is written as is. Integers print without fraction or
/// exponent; doubles in the shortest form that parses back to the same value.
public enum JSONSerializer {
    /// Serializes `value` into a new byte array.
    public static func serialize(_ value: JSON, options: JSONSerializationOptions = []) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(256)
        append(value, to: &out, options: options)
        return out
    }

    /// Appends the serialization of `value` to `out`.
    public static func append(_ value: JSON, to out: inout [UInt8], options: JSONSerializationOptions = []) {
        if options.isEmpty {
            appendCompact(value, to: &out)
        } else {
            appendFormatted(value, to: &out, options: options, indent: 0)
        }
    }

    static func appendCompact(_ value: JSON, to out: inout [UInt8]) {
        switch value {
        case .null: appendLiteral("null", to: &out)
        case .bool(let b): appendLiteral(b ? "true" : "false", to: &out)
        case .number(let n): appendNumber(n, to: &out)
        case .string(let s): appendString(s, to: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            var first = true
            for e in elements {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                appendCompact(e, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            var first = true
            for (k, v) in object {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                appendString(k, to: &out)
                out.append(UInt8(ascii: ":"))
                appendCompact(v, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func appendFormatted(_ value: JSON, to out: inout [UInt8], options: JSONSerializationOptions, indent: Int) {
        let pretty = options.contains(.pretty)
        func newline(_ level: Int) {
            guard pretty else { return }
            out.append(0x0A)
            for _ in 0..<(level * 2) { out.append(0x20) }
        }
        switch value {
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            if elements.isEmpty { out.append(UInt8(ascii: "]")); return }
            for (i, e) in elements.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                appendFormatted(e, to: &out, options: options, indent: indent + 1)
            }
            newline(indent)
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            if object.isEmpty { out.append(UInt8(ascii: "}")); return }
            let members: [JSONObject.Member] =
                options.contains(.sortedKeys) ? object.sortedMembers : object.map { (key: $0.key, value: $0.value) }
            for (i, m) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                appendString(m.key, to: &out)
                out.append(UInt8(ascii: ":"))
                if pretty { out.append(0x20) }
                appendFormatted(m.value, to: &out, options: options, indent: indent + 1)
            }
            newline(indent)
            out.append(UInt8(ascii: "}"))
        default:
            appendCompact(value, to: &out)
        }
    }

    @inline(__always) static func appendLiteral(_ s: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `s` as a JSON string literal.
    public static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { utf8 in
            var runStart = 0
            var i = 0
            let n = utf8.count
            while i < n {
                let c = utf8[i]
                if c >= 0x20 && c != 0x22 && c != 0x5C {
                    i += 1
                    continue
                }
                if runStart < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i])) }
                out.append(0x5C)
                switch c {
                case 0x22: out.append(0x22)
                case 0x5C: out.append(0x5C)
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                case 0x08: out.append(UInt8(ascii: "b"))
                case 0x0C: out.append(UInt8(ascii: "f"))
                default:
                    out.append(UInt8(ascii: "u"))
                    out.append(UInt8(ascii: "0"))
                    out.append(UInt8(ascii: "0"))
                    out.append(hexDigits[Int(c >> 4)])
                    out.append(hexDigits[Int(c & 0xF)])
                }
                i += 1
                runStart = i
            }
            if runStart < n { out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<n])) }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Appends a number: integers as plain digits, doubles in shortest round-trip form.
    public static func appendNumber(_ n: JSONNumber, to out: inout [UInt8]) {
        switch n {
        case .int(let v): appendInt(v, to: &out)
        case .double(let d):
            // Swift's description is the shortest representation that round-trips, and is valid
            // JSON for finite values ("1.0", "-0.0", "5e-324", "1e+308").
            out.append(contentsOf: d.description.utf8)
        }
    }

    static func appendInt(_ v: Int64, to out: inout [UInt8]) {
        if v == 0 { out.append(UInt8(ascii: "0")); return }
        var magnitude = v.magnitude
        if v < 0 { out.append(UInt8(ascii: "-")) }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buf in
            var i = 20
            while magnitude > 0 {
                i -= 1
                buf[i] = UInt8(truncatingIfNeeded: magnitude % 10) + 0x30
                magnitude /= 10
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[i..<20]))
        }
    }
}

extension JSON {
    /// The value as UTF-8 JSON text.
    public func serialized(options: JSONSerializationOptions = []) -> [UInt8] {
        JSONSerializer.serialize(self, options: options)
    }

    /// The value as JSON text.
    public func serializedString(options: JSONSerializationOptions = []) -> String {
        String(decoding: serialized(options: options), as: UTF8.self)
    }
}
