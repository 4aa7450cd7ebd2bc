import StackJSON
import Testing

/// RFC 6901 JSON Pointer (issue 3, item 5).
@Suite struct JSONPointerTests {
    /// The document of RFC 6901 §5.
    static let document = try! JSON(parsing: #"""
        {
          "foo": ["bar", "baz"],
          "": 0,
          "a/b": 1,
          "c%d": 2,
          "e^f": 3,
          "g|h": 4,
          "i\\j": 5,
          "k\"l": 6,
          " ": 7,
          "m~n": 8
        }
        """#)

    @Test func rfc6901Section5Examples() throws {
        let examples: [(String, JSON)] = [
            ("", Self.document), ("/foo", ["bar", "baz"]), ("/foo/0", "bar"), ("/", 0), ("/a~1b", 1),
            ("/c%d", 2), ("/e^f", 3), ("/g|h", 4), ("/i\\j", 5), ("/k\"l", 6), ("/ ", 7), ("/m~0n", 8),
        ]
        for (text, expected) in examples {
            let pointer = try #require(JSONPointer(text), "\(text) parses")
            #expect(pointer.resolve(in: Self.document) == expected, "\(text)")
            #expect(pointer.description == text, "\(text) prints back")
        }
    }

    @Test func escaping() {
        #expect(JSONPointer.escape("a/b~c") == "a~1b~0c")
        #expect(JSONPointer.escape("~1") == "~01")
        #expect(JSONPointer.unescape("~01") == "~1")  // not "/": ~0 first, then the literal 1
        #expect(JSONPointer.unescape("a~1b~0c") == "a/b~c")
        #expect(JSONPointer.unescape("plain") == "plain")
        #expect(JSONPointer.unescape("bad~2") == nil)
        #expect(JSONPointer.unescape("trailing~") == nil)
        let pointer = JSONPointer.root.appending("a/b").appending(0).appending("~")
        #expect(pointer.tokens == ["a/b", "0", "~"])
        #expect(pointer.description == "/a~1b/0/~0")
        #expect(JSONPointer(pointer.description) == pointer)
    }

    @Test func invalidPointers() {
        #expect(JSONPointer("foo") == nil)  // must start with "/"
        #expect(JSONPointer("#/foo") == nil)  // URI fragment form is not a plain pointer
        #expect(JSONPointer("/a~") == nil)
        #expect(JSONPointer("/a~x") == nil)
        #expect(JSONPointer("")?.tokens == [])
        #expect(JSONPointer("//")?.tokens == ["", ""])
    }

    @Test func resolveMisses() throws {
        let doc: JSON = ["a": [10, 20, ["b": nil]], "n": 1]
        #expect(JSONPointer("/a/2/b")?.resolve(in: doc) == .null)  // present, and null
        let misses = ["/missing", "/a/3", "/a/-", "/a/01", "/a/+1", "/a/ 1", "/a/1/x", "/n/0", "/a/99999999999999999999"]
        for text in misses {
            let pointer = try #require(JSONPointer(text))
            #expect(pointer.resolve(in: doc) == nil, "\(text)")
        }
        #expect(JSONPointer("/a/0")?.resolve(in: doc) == 10)
        #expect(JSONPointer.root.resolve(in: doc) == doc)
    }
}
