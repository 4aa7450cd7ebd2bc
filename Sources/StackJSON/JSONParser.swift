/// Limits the parser enforces; exceeding one is a ``JSONParseError``, never a crash.
public struct JSONParserOptions: Sendable {
    /// Maximum nesting of arrays and objects (default 256): `[[1]]` has depth 2. The parser itself
    /// needs no call stack for depth, but equality, hashing, serialization and destruction of the
    /// parsed value recurse, so keep the limit in the hundreds or low thousands.
    public var maxDepth: Int
    /// Maximum input size in bytes (default: no limit beyond memory).
    public var maxBytes: Int

    /// Options with the given limits.
    public init(maxDepth: Int = 256, maxBytes: Int = Int.max) {
        self.maxDepth = maxDepth
        self.maxBytes = maxBytes
    }

    /// Depth 256, no size limit.
    public static let `default` = JSONParserOptions()
}

/// A strict RFC 8259 parser over UTF-8 bytes.
///
/// Rejects trailing commas, comments, `NaN`/`Infinity`, leading zeros, control characters and
/// lone surrogates in strings, invalid UTF-8 (overlong forms, encoded surrogates, code points past
/// U+10FFFF, truncated sequences), numbers outside the range of a `Double`, a byte order mark, and
/// anything but whitespace after the value. It is iterative (an explicit stack), so nesting depth
/// costs heap, not call stack. Every error carries the byte offset of the problem.
///
/// Numbers: an integer literal within `Int64` becomes ``JSONNumber/int(_:)`` (so `-0` is `0`);
/// any other number a correctly rounded ``JSONNumber/double(_:)``.
public enum JSONParser {
    /// Parses one JSON text from UTF-8 bytes (`[UInt8]`, `ArraySlice<UInt8>`, `Data`, …).
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
        if buffer.count > options.maxBytes {
            return .failure(JSONParseError(
                offset: options.maxBytes, message: "input is larger than the limit of \(options.maxBytes) bytes"))
        }
        guard let start = buffer.baseAddress, !buffer.isEmpty else {
            return .failure(JSONParseError(offset: 0, message: "empty input, expected a JSON value"))
        }
        // The parser's stacks start in this temporary (usually stack) memory; only documents with
        // many open elements at once move them to the heap.
        return withUnsafeTemporaryAllocation(byteCount: JSONReader.scratchByteCount, alignment: 16) { scratch in
            var reader = JSONReader(
                start: start, count: buffer.count, maxDepth: options.maxDepth, scratch: scratch.baseAddress!)
            defer { reader.release() }
            do throws(JSONParseError) {
                return .success(try reader.parseDocument())
            } catch {
                return .failure(error)
            }
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
