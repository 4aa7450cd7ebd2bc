import Foundation
import StackJSON
import Testing

/// nst/JSONTestSuite: every `y_` file parses, every `n_` file is rejected, `i_` files never crash.
@Suite struct JSONTestSuiteTests {
    static let folder = TestData.url("jsontestsuite/test_parsing")

    static func files(prefix: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasPrefix(prefix) && $0.hasSuffix(".json") }
            .sorted()
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
    }

    @Test func suiteIsPresent() throws {
        #expect(try Self.files(prefix: "y_").count > 90)
        #expect(try Self.files(prefix: "n_").count > 180)
    }

    @Test func acceptsEveryYFile() throws {
        var failures: [String] = []
        for name in try Self.files(prefix: "y_") {
            do { _ = try JSONParser.parse(try Self.bytes(name)) } catch { failures.append("\(name): \(error)") }
        }
        #expect(failures.isEmpty, "y_ files rejected: \(failures)")
    }

    @Test func rejectsEveryNFile() throws {
        var failures: [String] = []
        for name in try Self.files(prefix: "n_") {
            if let value = try? JSONParser.parse(try Self.bytes(name)) { failures.append("\(name) → \(value)") }
        }
        #expect(failures.isEmpty, "n_ files accepted: \(failures)")
    }

    @Test func everyYFileRoundTrips() throws {
        var failures: [String] = []
        for name in try Self.files(prefix: "y_") {
            guard let value = try? JSONParser.parse(try Self.bytes(name)) else { continue }  // reported above
            for options: JSONSerializationOptions in [[], .pretty, .sortedKeys] {
                let text = value.serialized(options: options)
                if (try? JSONParser.parse(text)) != value { failures.append("\(name) \(options.rawValue)") }
            }
        }
        #expect(failures.isEmpty, "y_ files that do not round-trip: \(failures)")
    }

    @Test func survivesEveryIFile() throws {
        var outcomes: [String] = []
        for name in try Self.files(prefix: "i_") {
            let ok = (try? JSONParser.parse(try Self.bytes(name))) != nil
            outcomes.append("\(name): \(ok ? "accepted" : "rejected")")
        }
        #expect(outcomes.count > 10)
    }
}
