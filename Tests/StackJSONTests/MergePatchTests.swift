import Foundation
import StackJSON
import Testing

/// RFC 7396 JSON Merge Patch (issue 3, item 4).
@Suite struct MergePatchTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let index: Int
        let original: JSON
        let patch: JSON
        let result: JSON
        var testDescription: String { "case \(index + 1): \(patch)" }
    }

    static let appendixA: [Case] = {
        guard let data = try? Data(contentsOf: TestData.url("merge-patch/rfc7396-appendix-a.json")),
            let cases = (try? JSON(parsing: data))?.arrayValue
        else { return [] }
        return cases.enumerated().map { i, c in
            Case(index: i, original: c["original"] ?? .null, patch: c["patch"] ?? .null, result: c["result"] ?? .null)
        }
    }()

    @Test func appendixAHasAllFifteenCases() {
        #expect(Self.appendixA.count == 15)
    }

    @Test(arguments: appendixA) func appendixACase(_ c: Case) {
        let merged = JSON.mergePatch(c.original, c.patch)
        #expect(merged == c.result)
        // Key order is observable in Stack's output: kept keys stay in place, new keys go last.
        #expect(merged.serializedString() == c.result.serializedString())
        #expect(c.original.merging(patch: c.patch) == c.result)
    }

    @Test func deepNesting() throws {
        let target = try JSON(parsing: #"{"a":{"b":{"c":{"d":1,"e":2},"f":[1]},"g":3},"h":4}"#)
        let patch = try JSON(parsing: #"{"a":{"b":{"c":{"d":null,"x":{"y":{"z":null,"w":5}}},"f":null}}}"#)
        let merged = JSON.mergePatch(target, patch)
        #expect(merged.serializedString() == #"{"a":{"b":{"c":{"e":2,"x":{"y":{"w":5}}}},"g":3},"h":4}"#)
        // Two hundred levels deep, one member changed at the bottom.
        var deepTarget: JSON = ["leaf": 1, "keep": true]
        var deepPatch: JSON = ["leaf": 2, "keep": nil]
        for level in 0..<200 {
            deepTarget = ["l\(level)": deepTarget, "other": .int(level)]
            deepPatch = ["l\(level)": deepPatch]
        }
        var expected: JSON = ["leaf": 2]
        for level in 0..<200 { expected = ["l\(level)": expected, "other": .int(level)] }
        #expect(JSON.mergePatch(deepTarget, deepPatch) == expected)
    }

    @Test func nullsInsideArraysAreKept() throws {
        let target: JSON = ["a": [1, 2], "b": "x"]
        let patch = try JSON(parsing: #"{"a":[null,{"k":null},[null]],"c":[null]}"#)
        let merged = JSON.mergePatch(target, patch)
        #expect(merged.serializedString() == #"{"a":[null,{"k":null},[null]],"b":"x","c":[null]}"#)
        // A whole-document array patch is taken as is too.
        #expect(JSON.mergePatch(target, [nil, 1]) == [nil, 1])
    }

    @Test func nullMembersOfNewObjectsAreDropped() {
        // RFC 7396 §2: a patch object applied to a missing or non-object member merges into {}.
        #expect(JSON.mergePatch(["a": 1], ["b": ["c": nil, "d": 1]]) == ["a": 1, "b": ["d": 1]])
        #expect(JSON.mergePatch(["a": "text"], ["a": ["c": nil]]) == ["a": [:]])
        #expect(JSON.mergePatch(["a": 1], ["missing": nil]) == ["a": 1])
        #expect(JSON.mergePatch(["a": 1], [:]) == ["a": 1])
    }
}
