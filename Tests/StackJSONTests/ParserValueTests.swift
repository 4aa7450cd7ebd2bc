import StackJSON
import StackTesting
import Testing

/// What the parser produces: number kinds, object order and duplicates, string decoding.
@Suite struct ParserValueTests {
    @Test func integersWithinInt64StayExact() throws {
        #expect(try JSON(parsing: "0") == .number(.int(0)))
        #expect(try JSON(parsing: "-0").numberValue == .int(0))
        #expect(try JSON(parsing: "9223372036854775807").numberValue == .int(.max))
        #expect(try JSON(parsing: "-9223372036854775808").numberValue == .int(.min))
        #expect(try JSON(parsing: "123456789012345678").numberValue == .int(123_456_789_012_345_678))
        #expect(try JSON(parsing: "9007199254740993").numberValue == .int(9_007_199_254_740_993))  // 2^53 + 1
        // Past Int64: a double.
        #expect(try JSON(parsing: "9223372036854775808").numberValue == .double(9_223_372_036_854_775_808.0))
        #expect(try JSON(parsing: "-9223372036854775809").numberValue == .double(-9_223_372_036_854_775_809.0))
        #expect(try JSON(parsing: "123456789012345678901234567890").numberValue == .double(1.2345678901234568e29))
        // A fraction or exponent makes a double even when integral.
        guard case .number(.double(let d)) = try JSON(parsing: "1.0") else {
            Issue.record("1.0 must parse as a double")
            return
        }
        #expect(d == 1)
        guard case .number(.double) = try JSON(parsing: "1e2") else {
            Issue.record("1e2 must parse as a double")
            return
        }
    }

    @Test func doublesAreCorrectlyRounded() throws {
        let texts = [
            "0.1", "-0.0", "1e308", "1.7976931348623157e308", "5e-324", "2.2250738585072014e-308",
            "2.2250738585072011e-308", "0.30000000000000004", "123.456", "1e-7", "1E+22", "1e23",
            "9007199254740993.0", "4.9406564584124654e-324", "0.000001", "3.14159265358979323846264338327950288",
            "1e-400", "12345678901234567890e-10", "0.0000000000000000000000000001",
        ]
        for text in texts {
            let parsed = try JSON(parsing: text).doubleValue
            #expect(parsed == Double(text), "\(text)")
        }
        #expect(try JSON(parsing: "-0.0").doubleValue?.sign == .minus)
    }

    @Test func doublesMatchTheStandardLibraryOnGeneratedInputs() throws {
        var g = SplitMix64(seed: 0x5EED)
        for _ in 0..<20_000 {
            let digits = String(g.next() % 10_000_000_000_000_000_000)
            let fraction = g.next() % 3 == 0 ? "" : "." + String(g.next() % 1_000_000_000)
            let exponent = g.next() % 2 == 0 ? "" : "e" + String(Int(g.next() % 60) - 30)
            let text = (g.next() % 2 == 0 ? "-" : "") + digits + fraction + exponent
            let value = try JSON(parsing: text)
            if fraction.isEmpty && exponent.isEmpty, let exact = Int64(text) {
                #expect(value.numberValue == .int(exact), "\(text)")
            } else {
                #expect(value.doubleValue == Double(text), "\(text)")
            }
        }
    }

    @Test func objectsKeepInsertionOrder() throws {
        let value = try JSON(parsing: #"{"z":1,"a":2,"m":3}"#)
        #expect(value.objectValue?.keys == ["z", "a", "m"])
        #expect(value.serializedString() == #"{"z":1,"a":2,"m":3}"#)
    }

    @Test func duplicateKeyLastWinsAtFirstPosition() throws {
        let value = try JSON(parsing: #"{"a":1,"b":2,"a":3}"#)
        #expect(value.objectValue?.keys == ["a", "b"])
        #expect(value["a"] == 3)
        #expect(value.serializedString() == #"{"a":3,"b":2}"#)
        // Escaped and unescaped spellings are the same key.
        let escaped = try JSON(parsing: #"{"ab":1,"x":0,"a\u0062":2}"#)
        #expect(escaped.serializedString() == #"{"ab":2,"x":0}"#)
    }

    @Test func duplicateKeysInLargeObjects() throws {
        var text = "{"
        for i in 0..<100 { text += "\"k\(i)\":\(i)," }
        text += #""k7":"last","k99":null}"#
        let value = try JSON(parsing: text)
        let object = try #require(value.objectValue)
        #expect(object.count == 100)
        #expect(object.keys[7] == "k7")
        #expect(object["k7"] == "last")
        #expect(object.keys.last == "k99")
        #expect(object["k99"] == .null)
        #expect(object["k50"] == 50)
    }

    @Test func repeatedKeysAcrossManyObjectsDecodeCorrectly() throws {
        // Large inputs use a key cache; keys that share a fingerprint slot must not be confused.
        var text = "["
        for i in 0..<2_000 {
            if i > 0 { text += "," }
            text += #"{"id":\#(i),"name\#(i % 7)":"v","title":"t\#(i)","tïtle":\#(i % 3 == 0)}"#
        }
        text += "]"
        let value = try JSON(parsing: text)
        let items = try #require(value.arrayValue)
        #expect(items.count == 2_000)
        for (i, item) in items.enumerated() {
            #expect(item.objectValue?.keys == ["id", "name\(i % 7)", "title", "tïtle"])
            #expect(item["id"] == .int(i))
            #expect(item["title"]?.stringValue == "t\(i)")
        }
    }

    @Test func keysOfEveryShortLength() throws {
        // Keys of 0–20 bytes cross the parser's 8- and 16-byte fast paths; some end near the input's end.
        let keys = (0...20).map { String(repeating: "k", count: $0) } + ["a\u{E9}", "tab\tkey", "q\"uote", "0123456789abcdé"]
        var object = JSONObject()
        for (i, key) in keys.enumerated() { object[key] = .int(i) }
        let small = JSON.object(object)
        for text in [small.serializedString(), "[" + Array(repeating: small.serializedString(), count: 100).joined(separator: ",") + "]"] {
            let parsed = try JSON(parsing: text)
            let first = parsed.arrayValue?.last ?? parsed
            #expect(first.objectValue?.keys == keys)
            #expect(first == small)
        }
        // String values of every short length, alone and in a large input.
        let strings = JSON.array((0...20).map { .string(String("abcdefghijklmnopqrstu".prefix($0))) })
        #expect(try JSON(parsing: strings.serializedString()) == strings)
        let many = JSON.array(Array(repeating: strings, count: 50))
        #expect(try JSON(parsing: many.serializedString()) == many)
        #expect(try JSON(parsing: #"{"":1}"#) == ["": 1])
        #expect(try JSON(parsing: #"{"abcdefgh":1}"#) == ["abcdefgh": 1])
    }

    @Test func keysAreComparedByScalarsNotCanonicalEquivalence() throws {
        // "é" precomposed (U+00E9) and decomposed (e + U+0301) are canonically equivalent in Swift
        // but different JSON keys (RFC 8259 §8.3).
        let value = try JSON(parsing: #"{"\u00e9":1,"e\u0301":2}"#)
        #expect(value.objectValue?.count == 2)
        #expect(value["\u{E9}"] == 1)
        #expect(value["e\u{301}"] == 2)
        #expect(JSON.string("\u{E9}") != JSON.string("e\u{301}"))
    }

    @Test func stringEscapesDecode() throws {
        let value = try JSON(parsing: #""\"\\\/\b\f\n\r\t\u0000\u00e9\u20AC\uD83D\uDE00""#)
        #expect(value.stringValue == "\"\\/\u{8}\u{C}\n\r\t\u{0}é€😀")
        #expect(try JSON(parsing: "\"日本語 🎉\"").stringValue == "日本語 🎉")
        #expect(try JSON(parsing: #""\u0061bc def ghi jkl mno""#).stringValue == "abc def ghi jkl mno")
    }

    @Test func whitespaceAroundTokens() throws {
        let value = try JSON(parsing: " \t\r\n{ \"a\" : [ 1 , true , null ] } \n")
        #expect(value == ["a": [1, true, nil]])
    }

    @Test func parsesFromEveryInputType() throws {
        let text = #"{"a":[1,2.5,"x"]}"#
        let expected: JSON = ["a": [1, 2.5, "x"]]
        #expect(try JSON(parsing: text) == expected)
        #expect(try JSON(parsing: Array(text.utf8)) == expected)
        #expect(try JSONParser.parse(Array(text.utf8)[...]) == expected)
        #expect(try JSONParser.parse(text.utf8) == expected)
        let result = Array(text.utf8).withUnsafeBufferPointer { JSONParser.parse(buffer: $0) }
        #expect(try result.get() == expected)
    }
}

