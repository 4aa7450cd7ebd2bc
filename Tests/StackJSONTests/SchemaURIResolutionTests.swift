import Testing

@testable import StackJSON

/// `$id`/`$ref` resolution rests on RFC 3986 §5.2; these are the RFC's own examples (§5.4).
struct SchemaURIResolutionTests {
    static let base = "http://a/b/c/d;p?q"

    static let normal: [(String, String)] = [
        ("g:h", "g:h"), ("g", "http://a/b/c/g"), ("./g", "http://a/b/c/g"), ("g/", "http://a/b/c/g/"),
        ("/g", "http://a/g"), ("//g", "http://g"), ("?y", "http://a/b/c/d;p?y"), ("g?y", "http://a/b/c/g?y"),
        ("#s", "http://a/b/c/d;p?q#s"), ("g#s", "http://a/b/c/g#s"), ("g?y#s", "http://a/b/c/g?y#s"),
        (";x", "http://a/b/c/;x"), ("g;x", "http://a/b/c/g;x"), ("g;x?y#s", "http://a/b/c/g;x?y#s"),
        ("", "http://a/b/c/d;p?q"), (".", "http://a/b/c/"), ("./", "http://a/b/c/"), ("..", "http://a/b/"),
        ("../", "http://a/b/"), ("../g", "http://a/b/g"), ("../..", "http://a/"), ("../../", "http://a/"),
        ("../../g", "http://a/g"),
    ]

    static let abnormal: [(String, String)] = [
        ("../../../g", "http://a/g"), ("../../../../g", "http://a/g"), ("/./g", "http://a/g"),
        ("/../g", "http://a/g"), ("g.", "http://a/b/c/g."), (".g", "http://a/b/c/.g"), ("g..", "http://a/b/c/g.."),
        ("..g", "http://a/b/c/..g"), ("./../g", "http://a/b/g"), ("./g/.", "http://a/b/c/g/"),
        ("g/./h", "http://a/b/c/g/h"), ("g/../h", "http://a/b/c/h"), ("g;x=1/./y", "http://a/b/c/g;x=1/y"),
        ("g;x=1/../y", "http://a/b/c/y"), ("g?y/./x", "http://a/b/c/g?y/./x"), ("g?y/../x", "http://a/b/c/g?y/../x"),
        ("g#s/./x", "http://a/b/c/g#s/./x"), ("g#s/../x", "http://a/b/c/g#s/../x"), ("http:g", "http:g"),
    ]

    @Test(arguments: normal + abnormal)
    func resolvesLikeRFC3986(reference: String, expected: String) {
        #expect(URIReference.resolve(reference, against: Self.base) == expected)
    }

    @Test func urnBasesKeepTheirPath() {
        #expect(URIReference.resolve("#foo", against: "urn:uuid:deadbeef-1234-ffff-ffff-4321feebdaed")
            == "urn:uuid:deadbeef-1234-ffff-ffff-4321feebdaed#foo")
    }

    @Test func idChangesTheBaseOfNestedRefs() throws {
        let schema = try JSONSchema(compiling: try JSON(parsing: ##"""
            {"$id": "https://stack.example/schemas/root.json",
             "properties": {"item": {"$id": "items/item.json", "$ref": "../defs.json#/$defs/name"}},
             "$defs": {"other": {"$id": "https://stack.example/schemas/defs.json",
                                 "$defs": {"name": {"type": "string"}}}}}
            """##))
        #expect(schema.isValid(["item": "x"]))
        #expect(schema.validate(["item": 1]).map(\.keywordPath.description) == ["/$defs/other/$defs/name/type"])
    }
}
