/// How ``JSONSerializer`` lays out its output.
public struct JSONSerializationOptions: OptionSet, Sendable {
    /// The option bits.
    public let rawValue: Int
    /// Options from their raw bits.
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Newlines, two-space indentation, and a space after each `:`.
    public static let pretty = JSONSerializationOptions(rawValue: 1)
    /// Object members in code-point order of their keys (UTF-8 byte order).
    public static let sortedKeys = JSONSerializationOptions(rawValue: 2)
}

/// Writes JSON values as UTF-8 text.
///
/// Compact by default. Escapes exactly what RFC 8259 §7 requires (`"`, `\`, and the control
/// characters U+0000–U+001F); everything else, non-ASCII and `/` included, is written as is.
/// Integers print without fraction or exponent; doubles in the shortest form that parses back to
/// the same value. The output of any value re-parses to an equal value.
public enum JSONSerializer {
    /// Serializes `value` into a new byte array.
    public static func serialize(_ value: JSON, options: JSONSerializationOptions = []) -> [UInt8] {
        var writer = JSONWriter()
        defer { writer.release() }
        write(value, to: &writer, options: options)
        return Array(writer.bytes)
    }

    /// Appends the serialization of `value` to `out`.
    public static func append(_ value: JSON, to out: inout [UInt8], options: JSONSerializationOptions = []) {
        var writer = JSONWriter()
        defer { writer.release() }
        write(value, to: &writer, options: options)
        out.append(contentsOf: writer.bytes)
    }

    /// Appends `s` as a JSON string literal (quoted and escaped).
    public static func appendString(_ s: String, to out: inout [UInt8]) {
        var writer = JSONWriter(capacity: s.utf8.count + 8)
        defer { writer.release() }
        writer.writeString(s)
        out.append(contentsOf: writer.bytes)
    }

    /// Appends a number: integers as plain digits, doubles in shortest round-trip form.
    public static func appendNumber(_ n: JSONNumber, to out: inout [UInt8]) {
        var writer = JSONWriter(capacity: 32)
        defer { writer.release() }
        writer.writeNumber(n)
        out.append(contentsOf: writer.bytes)
    }

    static func write(_ value: JSON, to writer: inout JSONWriter, options: JSONSerializationOptions) {
        if options.isEmpty {
            writeCompact(value, to: &writer)
        } else {
            writeFormatted(value, to: &writer, pretty: options.contains(.pretty),
                           sorted: options.contains(.sortedKeys), level: 0)
        }
    }

    static func writeCompact(_ value: JSON, to w: inout JSONWriter) {
        switch value {
        case .null: w.write("null")
        case .bool(let b): w.write(b ? "true" : "false")
        case .number(let n): w.writeNumber(n)
        case .string(let s): w.writeString(s)
        case .array(let elements):
            w.write(UInt8(ascii: "["))
            for i in elements.indices {
                if i > 0 { w.write(UInt8(ascii: ",")) }
                writeCompact(elements[i], to: &w)
            }
            w.write(UInt8(ascii: "]"))
        case .object(let object):
            w.write(UInt8(ascii: "{"))
            let members = object.members_
            for i in members.indices {
                if i > 0 { w.write(UInt8(ascii: ",")) }
                w.writeString(members[i].key)
                w.write(UInt8(ascii: ":"))
                writeCompact(members[i].value, to: &w)
            }
            w.write(UInt8(ascii: "}"))
        }
    }

    static func writeFormatted(_ value: JSON, to w: inout JSONWriter, pretty: Bool, sorted: Bool, level: Int) {
        switch value {
        case .array(let elements):
            w.write(UInt8(ascii: "["))
            if elements.isEmpty { w.write(UInt8(ascii: "]")); return }
            for i in elements.indices {
                if i > 0 { w.write(UInt8(ascii: ",")) }
                if pretty { w.writeIndent(level + 1) }
                writeFormatted(elements[i], to: &w, pretty: pretty, sorted: sorted, level: level + 1)
            }
            if pretty { w.writeIndent(level) }
            w.write(UInt8(ascii: "]"))
        case .object(let object):
            w.write(UInt8(ascii: "{"))
            if object.isEmpty { w.write(UInt8(ascii: "}")); return }
            let members = sorted ? object.sortedMembers : object.members_
            for i in members.indices {
                if i > 0 { w.write(UInt8(ascii: ",")) }
                if pretty { w.writeIndent(level + 1) }
                w.writeString(members[i].key)
                w.write(UInt8(ascii: ":"))
                if pretty { w.write(UInt8(ascii: " ")) }
                writeFormatted(members[i].value, to: &w, pretty: pretty, sorted: sorted, level: level + 1)
            }
            if pretty { w.writeIndent(level) }
            w.write(UInt8(ascii: "}"))
        default:
            writeCompact(value, to: &w)
        }
    }
}

extension JSON {
    /// The value as UTF-8 JSON text (see ``JSONSerializer``).
    public func serialized(options: JSONSerializationOptions = []) -> [UInt8] {
        JSONSerializer.serialize(self, options: options)
    }

    /// The value as JSON text (see ``JSONSerializer``).
    public func serializedString(options: JSONSerializationOptions = []) -> String {
        var writer = JSONWriter()
        defer { writer.release() }
        JSONSerializer.write(self, to: &writer, options: options)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}
