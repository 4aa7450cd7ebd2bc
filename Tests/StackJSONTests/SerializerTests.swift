import Foundation
import StackJSON
import Testing

/// Output layout and escaping (issue 3, item 3).
@Suite struct SerializerTests {
    static let sample: JSON = ["b": [1, -2.5, "x"], "a": ["z": nil, "y": true], "e": [], "o": [:]]

    @Test func compactByDefault() {
        #expect(Self.sample.serializedString() == #"{"b":[1,-2.5,"x"],"a":{"z":null,"y":true},"e":[],"o":{}}"#)
        #expect(String(decoding: Self.sample.serialized(), as: UTF8.self) == Self.sample.serializedString())
    }

    @Test func pretty() {
        let expected = """
            {
              "b": [
                1,
                -2.5,
                "x"
              ],
              "a": {
                "z": null,
                "y": true
              },
              "e": [],
              "o": {}
            }
            """
        #expect(Self.sample.serializedString(options: .pretty) == expected)
        #expect(JSON.int(1).serializedString(options: .pretty) == "1")
    }

    @Test func sortedKeys() {
        #expect(Self.sample.serializedString(options: .sortedKeys)
            == #"{"a":{"y":true,"z":null},"b":[1,-2.5,"x"],"e":[],"o":{}}"#)
        // Code-point (UTF-8 byte) order: uppercase before lowercase, non-ASCII last.
        let keys: JSON = ["é": 1, "b": 2, "B": 3, "a": 4, "😀": 5, "ab": 6]
        #expect(keys.serializedString(options: .sortedKeys) == #"{"B":3,"a":4,"ab":6,"b":2,"é":1,"😀":5}"#)
        let both = (["b": 1, "a": [2]] as JSON).serializedString(options: [.pretty, .sortedKeys])
        #expect(both == "{\n  \"a\": [\n    2\n  ],\n  \"b\": 1\n}")
    }

    @Test func escapesExactlyWhatMustBeEscaped() {
        var controls = ""
        for scalar in 0..<0x20 { controls.unicodeScalars.append(Unicode.Scalar(UInt8(scalar))) }
        let expectedControls = #"\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f"#
            + #"\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f"#
        #expect(JSON.string(controls).serializedString() == "\"\(expectedControls)\"")
        #expect(JSON.string(#"say "hi" \ bye"#).serializedString() == #""say \"hi\" \\ bye""#)
        // Not escaped: '/', DEL, non-ASCII, U+2028, astral characters.
        let plain = "a/b\u{7F} é € \u{2028} 😀 日本"
        #expect(JSON.string(plain).serializedString() == "\"\(plain)\"")
        // Escapes after the 8-byte fast scan and at the very end.
        let long = "0123456789abcdef\"0123456789\n"
        #expect(JSON.string(long).serializedString() == #""0123456789abcdef\"0123456789\n""#)
        #expect(JSON.string("").serializedString() == #""""#)
        // Keys are escaped the same way.
        #expect((["a\"b": 1] as JSON).serializedString() == #"{"a\"b":1}"#)
    }

    @Test func numbers() {
        let cases: [(JSONNumber, String)] = [
            (.int(0), "0"), (.int(-1), "-1"), (.int(.max), "9223372036854775807"),
            (.int(.min), "-9223372036854775808"), (.double(1.0), "1.0"), (.double(-0.0), "-0.0"),
            (.double(0.1), "0.1"), (.double(1e308), "1e+308"), (.double(.leastNonzeroMagnitude), "5e-324"),
            (.double(1.7976931348623157e308), "1.7976931348623157e+308"), (.double(123.456), "123.456"),
            (.double(1e21), "1e+21"),
        ]
        for (n, text) in cases {
            #expect(JSON.number(n).serializedString() == text)
            #expect((try? JSON(parsing: text)) == JSON.number(n), "\(text) re-parses")
        }
    }

    @Test func appendAPIs() {
        var out: [UInt8] = Array("x=".utf8)
        JSONSerializer.append(["a": 1], to: &out)
        JSONSerializer.appendString("q\"", to: &out)
        JSONSerializer.appendNumber(.double(2.5), to: &out)
        #expect(String(decoding: out, as: UTF8.self) == #"x={"a":1}"q\""2.5"#)
        #expect(JSONSerializer.serialize([1], options: .pretty) == Array("[\n  1\n]".utf8))
    }

    @Test func dataConveniences() throws {
        let value: JSON = ["a": [1, "é"]]
        let data = value.serializedData()
        #expect(data == Data(#"{"a":[1,"é"]}"#.utf8))
        #expect(try JSON(parsing: data) == value)
        #expect(try JSON(parsing: data[1...].prefix(3)) == "a")  // a slice with a non-zero start index
    }

    @Test func largeOutputGrowsTheBuffer() throws {
        let big = JSON.array((0..<10_000).map { JSON.string("item \($0) \u{1}") })
        let text = big.serialized()
        #expect(text.count > 100_000)
        #expect(try JSON(parsing: text) == big)
    }
}
