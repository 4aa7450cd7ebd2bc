import StackJSON
import Testing

/// The error a text is rejected with, or `nil` when it parses.
func parseError(_ text: String, options: JSONParserOptions = .default) -> JSONParseError? {
    do {
        _ = try JSONParser.parse(text, options: options)
        return nil
    } catch {
        return error
    }
}

func parseError(bytes: [UInt8], options: JSONParserOptions = .default) -> JSONParseError? {
    do {
        _ = try JSONParser.parse(bytes, options: options)
        return nil
    } catch {
        return error
    }
}

/// Every rejection class of issue 3 item 2, each with the byte offset and a readable message.
@Suite struct ParserErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let text: String
        let offset: Int
        let message: String
        var testDescription: String { text }
    }

    static let cases: [Case] = [
        // Trailing commas.
        Case(text: "[1,2,]", offset: 4, message: "trailing comma in array"),
        Case(text: #"{"a":1,}"#, offset: 7, message: "trailing comma in object"),
        Case(text: "[,]", offset: 1, message: "unexpected character ',', expected a value"),
        // Comments.
        Case(text: "[1] // note", offset: 4, message: "unexpected character '/' after the JSON value"),
        Case(text: "/* c */ 1", offset: 0, message: "comments are not allowed in JSON"),
        Case(text: "[1, /* c */ 2]", offset: 4, message: "comments are not allowed in JSON"),
        // NaN and Infinity.
        Case(text: "NaN", offset: 0, message: "NaN and Infinity are not JSON numbers"),
        Case(text: "[Infinity]", offset: 1, message: "NaN and Infinity are not JSON numbers"),
        Case(text: "-Infinity", offset: 0, message: "NaN and Infinity are not JSON numbers"),
        // Numbers.
        Case(text: "01", offset: 0, message: "invalid number: leading zeros are not allowed"),
        Case(text: "[-012]", offset: 1, message: "invalid number: leading zeros are not allowed"),
        Case(text: "1.", offset: 2, message: "invalid number: expected a digit after '.'"),
        Case(text: ".5", offset: 0, message: "invalid number: expected a digit before '.'"),
        Case(text: "+1", offset: 0, message: "invalid number: a leading '+' is not allowed"),
        Case(text: "1e", offset: 2, message: "invalid number: expected a digit in the exponent"),
        Case(text: "1e+", offset: 3, message: "invalid number: expected a digit in the exponent"),
        Case(text: "-", offset: 1, message: "invalid number: expected a digit after '-'"),
        Case(text: "[1e400]", offset: 1, message: "number out of range of a 64-bit floating point value"),
        Case(text: "0x10", offset: 1, message: "unexpected character 'x' after the JSON value"),
        // Strings.
        Case(text: "['a']", offset: 1, message: "strings must use double quotes"),
        Case(text: "\"a\u{01}b\"", offset: 2, message: "control character in string (must be escaped as \\u00XX)"),
        Case(text: "\"tab\there\"", offset: 4, message: "control character in string (must be escaped as \\u00XX)"),
        Case(text: #""\x41""#, offset: 1, message: "invalid escape '\\x' in string"),
        Case(text: #""\u12""#, offset: 5, message: "invalid hex digit in \\u escape"),
        Case(text: #""\uD800""#, offset: 1, message: "lone high surrogate in \\u escape"),
        Case(text: #""ab\uDC00""#, offset: 3, message: "lone low surrogate in \\u escape"),
        Case(text: #""\uD800\u0041""#, offset: 1, message: "high surrogate not followed by a low surrogate in \\u escape"),
        Case(text: #"["abc"#, offset: 1, message: "unterminated string"),
        // Structure.
        Case(text: "", offset: 0, message: "empty input, expected a JSON value"),
        Case(text: "   ", offset: 3, message: "unexpected end of input, expected a value"),
        Case(text: "[1 2]", offset: 3, message: "unexpected character '2' in array, expected ',' or ']'"),
        Case(text: #"{"a" 1}"#, offset: 5, message: "unexpected character '1', expected ':' after property name"),
        Case(text: #"{"a":1 "b":2}"#, offset: 7, message: "unexpected character '\"' in object, expected ',' or '}'"),
        Case(text: "{a:1}", offset: 1, message: "unexpected character 'a', expected a property name in double quotes"),
        Case(text: "[1", offset: 2, message: "unexpected end of input in array"),
        Case(text: #"{"a":1"#, offset: 6, message: "unexpected end of input in object"),
        Case(text: #"{"a""#, offset: 4, message: "unexpected end of input, expected ':'"),
        Case(text: "[1]]", offset: 3, message: "unexpected character ']' after the JSON value"),
        Case(text: "[] []", offset: 3, message: "unexpected character '[' after the JSON value"),
        Case(text: "tru", offset: 0, message: "invalid literal, expected 'true'"),
        Case(text: "nul1", offset: 0, message: "invalid literal, expected 'null'"),
        Case(text: "True", offset: 0, message: "unexpected character 'T', expected a value"),
        Case(text: "[1]\u{0C}", offset: 3, message: "unexpected byte 0xC after the JSON value"),
    ]

    @Test(arguments: cases) func rejectsWithOffsetAndMessage(_ c: Case) throws {
        let error = try #require(parseError(c.text))
        #expect(error.offset == c.offset)
        #expect(error.message == c.message)
        #expect(error.description == "\(c.message) at byte \(c.offset)")
    }

    @Test func rejectsInvalidUTF8WithTheOffsetOfTheBadSequence() throws {
        let cases: [(bytes: [UInt8], offset: Int)] = [
            ([0x22, 0x61, 0xFF, 0x22], 2),  // not a UTF-8 byte
            ([0x22, 0x61, 0x62, 0xC0, 0xAF, 0x22], 3),  // overlong "/"
            ([0x22, 0xED, 0xA0, 0x80, 0x22], 1),  // encoded surrogate U+D800
            ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 1),  // past U+10FFFF
            ([0x22, 0xC3, 0x22], 1),  // truncated sequence
            ([0x22, 0x5C, 0x6E, 0xE9, 0x22], 3),  // after an escape (slow path)
            ([0x5B, 0x31, 0x2C, 0x22] + Array("0123456789abcdef".utf8) + [0x80, 0x22, 0x5D], 20),  // past the 8-byte scan
        ]
        for c in cases {
            let error = try #require(parseError(bytes: c.bytes), "\(c.bytes) must be rejected")
            #expect(error.message == "invalid UTF-8 in string")
            #expect(error.offset == c.offset, "\(c.bytes)")
        }
        // Invalid UTF-8 outside a string is an unexpected byte.
        let outside = try #require(parseError(bytes: [0x5B, 0xC3, 0xA9, 0x5D]))
        #expect(outside.message == "unexpected byte 0xC3, expected a value")
        #expect(outside.offset == 1)
    }

    @Test func rejectsAByteOrderMark() throws {
        let error = try #require(parseError(bytes: [0xEF, 0xBB, 0xBF, 0x31]))
        #expect(error.message == "a byte order mark is not allowed")
        #expect(error.offset == 0)
    }

    @Test func defaultDepthLimitIs256() throws {
        let ok = String(repeating: "[", count: 256) + String(repeating: "]", count: 256)
        #expect(parseError(ok) == nil)
        let tooDeep = String(repeating: "[", count: 257) + String(repeating: "]", count: 257)
        let error = try #require(parseError(tooDeep))
        #expect(error.message == "nesting deeper than the limit of 256 levels")
        #expect(error.offset == 256)
        let objects = String(repeating: #"{"a":"#, count: 257) + "1" + String(repeating: "}", count: 257)
        #expect(parseError(objects)?.offset == 256 * 5)
    }

    @Test func configuredDepthLimit() throws {
        let options = JSONParserOptions(maxDepth: 3)
        #expect(parseError("[[[1]]]", options: options) == nil)
        #expect(parseError(#"[{"a":[]}]"#, options: options) == nil)
        let error = try #require(parseError(#"[{"a":[[]]}]"#, options: options))
        #expect(error.message == "nesting deeper than the limit of 3 levels")
        #expect(error.offset == 7)
        // Scalars have no depth.
        #expect(parseError("1", options: JSONParserOptions(maxDepth: 0)) == nil)
        #expect(parseError("[]", options: JSONParserOptions(maxDepth: 0))?.offset == 0)
    }

    @Test func hugeNestingIsAnErrorNotACrash() throws {
        let deep = [UInt8](repeating: UInt8(ascii: "["), count: 1_000_000)
        let error = try #require(parseError(bytes: deep))
        #expect(error.offset == 256)
        let objects = [UInt8](String(repeating: #"{"a":"#, count: 200_000).utf8)
        #expect(parseError(bytes: objects)?.offset == 256 * 5)
    }

    @Test func sizeLimit() throws {
        let options = JSONParserOptions(maxBytes: 10)
        #expect(parseError("[1,2,3,4]", options: options) == nil)  // 9 bytes
        #expect(parseError("[1,2,3,45]", options: options) == nil)  // 10 bytes
        let error = try #require(parseError("[1,2,3,456]", options: options))
        #expect(error.message == "input is larger than the limit of 10 bytes")
        #expect(error.offset == 10)
    }

    @Test func errorsAreEquatableValues() {
        #expect(parseError("[1,]") == JSONParseError(offset: 2, message: "trailing comma in array"))
    }
}
