import Testing

@testable import StackJSON

/// What an app developer sees from ``JSONSchema``: messages, paths, order, the cap, and schemas
/// that do not compile.
struct SchemaErrorTests {
    func schema(_ text: String, _ options: JSONSchema.Options = .init()) throws -> JSONSchema {
        try JSONSchema(compiling: try JSON(parsing: text), options: options)
    }

    func json(_ text: String) throws -> JSON { try JSON(parsing: text) }

    func compileError(_ text: String) throws -> SchemaError? {
        let value = try JSON(parsing: text)
        do throws(SchemaError) {
            _ = try JSONSchema(compiling: value)
            return nil
        } catch {
            return error
        }
    }

    static let todo = #"""
        {"type": "object",
         "properties": {"title": {"type": "string", "minLength": 3}, "done": {"type": "boolean"},
                        "tags": {"type": "array", "items": {"type": "string"}}},
         "required": ["title", "done"],
         "additionalProperties": false}
        """#

    @Test func typeMessageAndPaths() throws {
        let errors = try schema(Self.todo).validate(json(#"{"title": 5, "done": true}"#))
        #expect(errors.count == 1)
        #expect(errors.first?.message == "expected string, got number")
        #expect(errors.first?.instancePath.description == "/title")
        #expect(errors.first?.keywordPath.description == "/properties/title/type")
    }

    @Test func requiredMessage() throws {
        let errors = try schema(Self.todo).validate(json(#"{"done": false}"#))
        #expect(errors.map(\.message) == [#"missing required property "title""#])
        #expect(errors.first?.instancePath == .root)
        #expect(errors.first?.keywordPath.description == "/required")
    }

    @Test func lengthCountsCodePoints() throws {
        let s = try schema(Self.todo)
        let short = s.validate(try json(#"{"title": "ab", "done": false}"#))
        #expect(short.map(\.message) == ["must be at least 3 characters"])
        #expect(short.first?.keywordPath.description == "/properties/title/minLength")
        // Three code points of four UTF-8 bytes each.
        #expect(s.isValid(try json(#"{"title": "😀😀😀", "done": false}"#)))
        let exact = try schema(#"{"maxLength": 2}"#)
        #expect(exact.isValid("é😀"))
        #expect(exact.validate("abc").map(\.message) == ["must be at most 2 characters"])
    }

    @Test func otherMessages() throws {
        #expect(try schema(#"{"enum": ["a", "b"]}"#).validate("c").map(\.message) == ["value is not one of the allowed values"])
        #expect(try schema(#"{"const": 1}"#).validate(1.0).isEmpty)  // numeric equality
        #expect(try schema(#"{"minimum": 5}"#).validate(4).map(\.message) == ["must be at least 5"])
        #expect(try schema(#"{"exclusiveMaximum": 5}"#).validate(5).map(\.message) == ["must be less than 5"])
        #expect(try schema(#"{"multipleOf": 0.01}"#).isValid(19.99))
        #expect(try schema(#"{"multipleOf": 0.01}"#).validate(19.995).map(\.message) == ["must be a multiple of 0.01"])
        #expect(try schema(#"{"uniqueItems": true}"#).validate([1, 2, 1.0]).map(\.message)
            == ["items must be unique (items 0 and 2 are equal)"])
        #expect(try schema(#"{"type": ["string", "null"]}"#).validate(true).map(\.message)
            == ["expected null or string, got boolean"])
        #expect(try schema(#"{"pattern": "^[a-z]+$"}"#).validate("abc1").map(\.message) == [#"must match the pattern "^[a-z]+$""#])
        #expect(try schema(#"{"anyOf": [{"type": "string"}, {"type": "number"}]}"#).validate(true).map(\.message)
            == ["must match at least one schema in anyOf"])
        #expect(try schema(#"{"oneOf": [{"minimum": 0}, {"maximum": 10}]}"#).validate(5).map(\.message)
            == ["must match exactly one schema in oneOf, but matches 0 and 1"])
        #expect(try schema("false").validate(1).map(\.message) == ["no value is allowed here"])
    }

    @Test func additionalPropertyIsReportedAtTheMember() throws {
        let errors = try schema(Self.todo).validate(json(#"{"title": "Milk", "done": false, "color": "red"}"#))
        #expect(errors.map(\.message) == [#"property "color" is not allowed"#])
        #expect(errors.first?.instancePath.description == "/color")
        #expect(errors.first?.keywordPath.description == "/additionalProperties")
    }

    @Test func nestedPathsAndDeterministicOrder() throws {
        let s = try schema(Self.todo)
        let instance = try json(#"{"tags": ["a", 2, "c", false], "title": 1}"#)
        let errors = s.validate(instance)
        // Keyword order of the schema (type, properties, required, …), members in instance order.
        #expect(errors.map(\.instancePath.description) == ["/tags/1", "/tags/3", "/title", ""])
        #expect(errors.map(\.keywordPath.description) == [
            "/properties/tags/items/type", "/properties/tags/items/type", "/properties/title/type", "/required",
        ])
        #expect(errors.last?.message == #"missing required property "done""#)
        #expect(s.validate(instance) == errors)
        #expect(errors.first?.description == "/tags/1: expected string, got number")
    }

    @Test func errorsAreCapped() throws {
        let s = try schema(#"{"items": {"type": "string"}}"#)
        let many = JSON.array((0..<150).map { JSON.int($0) })
        #expect(s.validate(many).count == 100)
        #expect(s.validate(many, maxErrors: 3).map(\.instancePath.description) == ["/0", "/1", "/2"])
        #expect(s.validate(many, maxErrors: 0).isEmpty)
        #expect(!s.isValid(many))
    }

    @Test func invalidSchemasDoNotCompile() throws {
        let bad: [(String, String)] = [
            (#"{"type": "strin"}"#, "/type"),
            (#"{"minLength": -1}"#, "/minLength"),
            (#"{"maxItems": 1.5}"#, "/maxItems"),
            (#"{"pattern": "("}"#, "/pattern"),
            (#"{"required": "title"}"#, "/required"),
            (#"{"properties": {"a": 3}}"#, "/properties/a"),
            (#"{"allOf": []}"#, "/allOf"),
            (#"{"multipleOf": 0}"#, "/multipleOf"),
            (##"{"$ref": "#/$defs/missing"}"##, "/$ref"),
            (##"{"$ref": "#nowhere"}"##, "/$ref"),
            (#"{"$defs": {"x": {"type": 7}}}"#, "/$defs/x/type"),
            ("5", ""),
        ]
        for (text, path) in bad {
            let error = try compileError(text)
            #expect(error != nil, "\(text) compiled")
            #expect(error?.path.description == path, "\(text): \(String(describing: error))")
        }
    }

    @Test func remoteRefIsRefusedWithoutResolver() throws {
        let error = try compileError(#"{"properties": {"a": {"$ref": "https://example.com/item.json"}}}"#)
        #expect(error?.message == "remote $ref is not allowed: https://example.com/item.json")
        #expect(error?.path.description == "/properties/a/$ref")
        // A relative reference from a schema with an absolute $id is just as remote.
        #expect(try compileError(#"{"$id": "https://stack.example/a.json", "$ref": "b.json"}"#)?.message
            == "remote $ref is not allowed: https://stack.example/b.json")
    }

    @Test func remoteRefUsesResolver() throws {
        let options = JSONSchema.Options(remoteResolver: { uri in
            uri == "https://example.com/item.json" ? ["type": "integer"] : nil
        })
        let s = try schema(#"{"items": {"$ref": "https://example.com/item.json"}}"#, options)
        #expect(s.isValid([1, 2]))
        #expect(s.validate([1, "x"]).map(\.keywordPath.description) == ["/type"])
    }

    @Test func metaSchemaIsLocal() throws {
        let s = try schema(#"{"$ref": "https://json-schema.org/draft/2020-12/schema"}"#)
        #expect(s.isValid(try json(#"{"type": "string", "minLength": 1}"#)))
        #expect(!s.isValid(try json(#"{"minLength": -1}"#)))
        #expect(!s.isValid(try json(#"{"properties": {"a": {"type": "strin"}}}"#)))
    }

    @Test func refLoopsAreDetected() throws {
        for text in [
            ##"{"$ref": "#"}"##,
            ##"{"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"allOf": [{"$ref": "#/$defs/a"}]}}, "$ref": "#/$defs/a"}"##,
            // Inside "not" or "anyOf" a loop must not turn into "valid".
            ##"{"not": {"$ref": "#"}}"##,
            ##"{"anyOf": [{"$ref": "#"}, {"type": "number"}]}"##,
        ] {
            let s = try schema(text)
            #expect(!s.isValid(1))
            let errors = s.validate(1)
            #expect(errors.count == 1)
            #expect(errors.first?.message.contains("infinite $ref loop") == true, "\(errors)")
        }
    }

    @Test func recursionThatConsumesTheInstanceIsFine() throws {
        let tree = try schema(#"""
            {"$defs": {"node": {"type": "object", "properties": {"children": {"type": "array", "items": {"$ref": "#/$defs/node"}}},
             "required": ["name"]}}, "$ref": "#/$defs/node"}
            """#)
        var value: JSON = ["name": "leaf"]
        for _ in 0..<50 { value = ["name": "n", "children": [value]] }
        #expect(tree.isValid(value))
        value = ["name": "n", "children": [value, ["children": []]]]
        let errors = tree.validate(value)
        #expect(errors.map(\.instancePath.description) == ["/children/1"])
        #expect(errors.first?.keywordPath.description == "/$defs/node/required")
    }

    @Test func tooDeepIsAnErrorNotACrash() throws {
        let s = try schema(##"{"items": {"$ref": "#"}}"##)
        var value: JSON = []
        for _ in 0..<2000 { value = [value] }
        #expect(!s.isValid(value))
        #expect(s.validate(value).first?.message == "schema evaluation is nested too deeply")
        // Also when the depth is reached inside a silent sub-evaluation.
        let negated = try schema(##"{"$defs": {"deep": {"items": {"$ref": "#/$defs/deep"}, "maxItems": 0}}, "not": {"$ref": "#/$defs/deep"}}"##)
        #expect(!negated.isValid(value))
        #expect(negated.validate(value).map(\.message) == ["schema evaluation is nested too deeply"])
    }

    @Test func formatIsAnnotationUnlessAsserted() throws {
        let text = #"{"properties": {"due": {"format": "date"}, "id": {"format": "uuid"}}}"#
        let instance = try json(#"{"due": "2024-02-30", "id": "not-a-uuid"}"#)
        #expect(try schema(text).isValid(instance))
        let errors = try schema(text, .init(formatAssertion: true)).validate(instance)
        #expect(errors.map(\.message) == ["must be a valid date", "must be a valid uuid"])
        #expect(errors.map(\.instancePath.description) == ["/due", "/id"])
    }

    @Test func unevaluatedPropertiesMessage() throws {
        let s = try schema(#"{"allOf": [{"properties": {"a": true}}], "unevaluatedProperties": false}"#)
        #expect(s.isValid(["a": 1]))
        let errors = s.validate(["a": 1, "b": 2])
        #expect(errors.map(\.message) == [#"property "b" is not allowed"#])
        #expect(errors.first?.instancePath.description == "/b")
        #expect(errors.first?.keywordPath.description == "/unevaluatedProperties")
    }

    @Test func propertyNamesMessagesNameTheProperty() throws {
        let errors = try schema(#"{"propertyNames": {"maxLength": 3}}"#).validate(["long": 1, "ok": 2])
        #expect(errors.map(\.message) == [#"property name "long": must be at most 3 characters"#])
        #expect(errors.first?.instancePath.description == "/long")
    }

    @Test func sharedAcrossTasks() async throws {
        let s = try schema(Self.todo)
        let good = try json(#"{"title": "Milk", "done": false}"#)
        let bad = try json(#"{"title": "Mi"}"#)
        let results = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<8 { group.addTask { i % 2 == 0 ? s.isValid(good) : !s.isValid(bad) && s.validate(bad).count == 2 } }
            var all: [Bool] = []
            for await r in group { all.append(r) }
            return all
        }
        #expect(results == Array(repeating: true, count: 8))
    }
}
