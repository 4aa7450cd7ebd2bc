import Foundation
import Testing

@testable import StackJSON

/// Runs the official JSON-Schema-Test-Suite (draft 2020-12) against ``JSONSchema``.
///
/// Every file of `tests/draft2020-12/` (not `optional/`) runs in annotation mode, and the
/// `optional/format/` files of the formats Stack asserts run in assertion mode. Remote references
/// to `http://localhost:1234/` resolve to the suite's `remotes/` folder.
struct SchemaSuiteTests {
    /// Cases deliberately not supported: (file, "group description: test description", reason).
    static let allowList: [(file: String, test: String, reason: String)] = []

    static let assertedFormats = [
        "date-time", "date", "time", "email", "uri", "uri-reference", "uuid", "ipv4", "ipv6", "hostname",
        "duration", "json-pointer", "regex",
    ]

    static let suite = TestData.url("json-schema-test-suite/tests/draft2020-12")
    static let remotes = TestData.url("json-schema-test-suite/remotes")

    static let resolver: @Sendable (String) -> JSON? = { uri in
        let prefix = "http://localhost:1234/"
        guard uri.hasPrefix(prefix) else { return nil }
        let url = remotes.appendingPathComponent(String(uri.dropFirst(prefix.count)))
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONParser.parse(Array(data))
    }

    static func isAllowed(_ file: String, _ test: String) -> Bool {
        allowList.contains { $0.file == file && $0.test == test }
    }

    @Test func draft2020_12() throws {
        let fm = FileManager.default
        var files: [(name: String, url: URL, assertFormat: Bool)] = []
        for name in try fm.contentsOfDirectory(atPath: Self.suite.path).sorted() where name.hasSuffix(".json") {
            files.append((name, Self.suite.appendingPathComponent(name), false))
        }
        for format in Self.assertedFormats {
            let name = "optional/format/\(format).json"
            files.append((name, Self.suite.appendingPathComponent(name), true))
        }
        #expect(files.count > 50, "the suite was not found at \(Self.suite.path)")

        var passed = 0
        var failed = 0
        var unexpected: [String] = []
        for file in files {
            let data = try Data(contentsOf: file.url)
            let groups = try #require(try JSONParser.parse(Array(data)).arrayValue, "\(file.name) is not an array")
            var filePassed = 0
            var fileFailed = 0
            for group in groups {
                let groupDescription = group["description"]?.stringValue ?? "?"
                let options = JSONSchema.Options(formatAssertion: file.assertFormat, remoteResolver: Self.resolver)
                let compiled: Result<JSONSchema, SchemaError>
                do throws(SchemaError) {
                    compiled = .success(try JSONSchema(compiling: group["schema"] ?? .null, options: options))
                } catch {
                    compiled = .failure(error)
                }
                for test in group["tests"]?.arrayValue ?? [] {
                    let description = "\(groupDescription): \(test["description"]?.stringValue ?? "?")"
                    let expected = test["valid"]?.boolValue ?? false
                    let instance = test["data"] ?? .null
                    var outcome: String? = nil
                    switch compiled {
                    case .failure(let error):
                        outcome = "schema did not compile: \(error)"
                    case .success(let schema):
                        let valid = schema.isValid(instance)
                        let errors = schema.validate(instance)
                        if valid != expected {
                            outcome = "expected \(expected ? "valid" : "invalid"), got \(valid ? "valid" : "invalid") \(errors)"
                        } else if errors.isEmpty != valid {
                            outcome = "isValid and validate disagree: \(errors)"
                        }
                    }
                    if let outcome {
                        fileFailed += 1
                        if !Self.isAllowed(file.name, description) {
                            unexpected.append("\(file.name) — \(description): \(outcome)")
                        }
                    } else {
                        filePassed += 1
                    }
                }
            }
            print("schema-suite: \(file.name): \(filePassed) passed, \(fileFailed) failed")
            passed += filePassed
            failed += fileFailed
        }
        print("schema-suite: \(passed) passed, \(failed) failed")
        for line in unexpected { print("schema-suite FAIL: \(line)") }
        #expect(unexpected.isEmpty, "\(unexpected.count) unexpected failures:\n\(unexpected.joined(separator: "\n"))")
    }
}
