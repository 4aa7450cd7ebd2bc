import Foundation
import StackJSON
import Testing

@testable import StackStore

/// The repository's top-level `types/` folder, found from this file's path (never the working directory).
private let typesDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // StackStoreTests
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent()  // package root
    .appendingPathComponent("types")

private func filesOnDisk() throws -> [String: String] {
    let names = try FileManager.default.contentsOfDirectory(atPath: typesDirectory.path)
        .filter { $0.hasSuffix(".json") }
    var files: [String: String] = [:]
    for name in names {
        files[name] = try String(contentsOf: typesDirectory.appendingPathComponent(name), encoding: .utf8)
    }
    return files
}

/// Whether the real JSON Schema validator is linked (the StackJSON stub accepts everything).
private let validatorIsReal: Bool = {
    guard let schema = try? JSONSchema(compiling: ["type": "string"]) else { return false }
    return !schema.isValid(5)
}()

@Suite("Built-in types")
struct BuiltInTypesTests {
    @Test func embeddedDefinitions_equalTheFilesOnDisk() throws {
        let disk = try filesOnDisk()
        #expect(Set(disk.keys) == Set(BuiltInTypes.all.map(\.fileName)))
        #expect(Set(disk.keys) == ["entity.json", "group.json"])
        for definition in BuiltInTypes.all {
            let text = try #require(disk[definition.fileName])
            #expect(try JSONParser.parse(text) == definition.document, "\(definition.fileName)")
            #expect(definition.source == text, "\(definition.fileName) embedded text differs: rebuild")
        }
    }

    @Test func definitions_haveTheirFilesIdsAndFields() throws {
        #expect(BuiltInTypes.all.map(\.id) == ["entity", "group"])
        for definition in BuiltInTypes.all {
            #expect(definition.fileName == definition.id + ".json")
            #expect(!definition.name.isEmpty && !definition.description.isEmpty)
            #expect(definition.document["schema"] == definition.schema)
            #expect(definition.schema["$schema"] == "https://json-schema.org/draft/2020-12/schema")
            #expect(definition.schema["type"] == "object")
            #expect(definition.indexes == ["name"])
            #expect(TypeIDShape.isValid(definition.id))
            // Additional properties are allowed on purpose (apps extend the built-in types).
            #expect(definition.schema["additionalProperties"] == nil)
            #expect(definition.schema["unevaluatedProperties"] == nil)
        }
        #expect(BuiltInTypes.isBuiltIn("entity") && BuiltInTypes.isBuiltIn("group"))
        #expect(!BuiltInTypes.isBuiltIn("note") && BuiltInTypes.definition(for: "Entity") == nil)
    }

    @Test func entitySchema_isAsSpecified() {
        let schema = BuiltInTypes.entity.schema
        #expect(schema["required"] == ["name"])
        #expect(schema["properties"]?["name"] == ["description": "Display name.", "type": "string", "minLength": 1])
        #expect(schema["properties"]?["url"]?["type"] == "string")
        #expect(schema["properties"]?["url"]?["format"] == "uri")
        #expect(schema["properties"]?["avatar"]?["type"] == "string")
        #expect(schema["properties"]?["description"]?["type"] == "string")
        #expect(schema["properties"]?.objectValue?.count == 4)
    }

    @Test func groupSchema_isAsSpecified() {
        let schema = BuiltInTypes.group.schema
        #expect(schema["required"] == ["name"])
        #expect(schema["properties"]?["name"]?["type"] == "string")
        #expect(schema["properties"]?["members"]?["type"] == "array")
        #expect(schema["properties"]?["members"]?["uniqueItems"] == true)
        #expect(schema["properties"]?["members"]?["items"]?["type"] == "string")
        #expect(schema["properties"]?.objectValue?.count == 2)
    }

    @Test func schemas_compile() throws {
        for definition in BuiltInTypes.all {
            _ = try JSONSchema(compiling: definition.schema, options: .init(formatAssertion: true))
        }
    }

    /// Runs once the real validator replaces the StackJSON stub.
    @Test(.enabled(if: validatorIsReal)) func schemas_acceptAndRejectContentAsSpecified() throws {
        let entity = try JSONSchema(compiling: BuiltInTypes.entity.schema, options: .init(formatAssertion: true))
        #expect(entity.isValid(["name": "Ada"]))
        #expect(entity.isValid(["name": "Ada", "url": "https://ada.example/", "avatar": "f1", "description": "x"]))
        #expect(entity.isValid(["name": "Ada", "app.field": 5]))  // extension fields allowed
        #expect(!entity.isValid([:]))
        #expect(!entity.isValid(["name": ""]))
        #expect(!entity.isValid(["name": 5]))
        #expect(!entity.isValid(["name": "Ada", "url": "not a uri"]))
        #expect(!entity.isValid(["name": "Ada", "avatar": 3]))
        #expect(!entity.isValid(["Ada"]))

        let group = try JSONSchema(compiling: BuiltInTypes.group.schema, options: .init(formatAssertion: true))
        #expect(group.isValid(["name": "Friends"]))
        #expect(group.isValid(["name": "Friends", "members": ["e1", "e2"]]))
        #expect(!group.isValid(["members": ["e1"]]))
        #expect(!group.isValid(["name": "Friends", "members": ["e1", "e1"]]))
        #expect(!group.isValid(["name": "Friends", "members": [1]]))
        #expect(!group.isValid(["name": "Friends", "members": "e1"]))
    }

    @Test func parse_rejectsUnusableDefinitions() {
        #expect(throws: (any Error).self) { try BuiltInTypes.parse(file: "x.json", json: "[]") }
        #expect(throws: (any Error).self) { try BuiltInTypes.parse(file: "x.json", json: #"{"schema": {}}"#) }
        #expect(throws: (any Error).self) { try BuiltInTypes.parse(file: "x.json", json: #"{"id": "x"}"#) }
        #expect(throws: (any Error).self) {
            try BuiltInTypes.parse(file: "x.json", json: #"{"id": "x", "schema": {}, "indexes": [1]}"#)
        }
        #expect(throws: (any Error).self) { try BuiltInTypes.parse(file: "x.json", json: "{") }
        let minimal = try? BuiltInTypes.parse(file: "x.json", json: #"{"id": "x", "schema": {}}"#)
        #expect(minimal?.name == "x" && minimal?.indexes == [])
    }
}

/// SPEC §3 Types: `^[a-z][a-z0-9]*([._-][a-z0-9]+)*$`, at most 128 characters.
private enum TypeIDShape {
    static func isValid(_ id: String) -> Bool {
        id.utf8.count <= 128 && id.wholeMatch(of: /[a-z][a-z0-9]*([._-][a-z0-9]+)*/) != nil
    }
}
