import Testing

@testable import StackAPI

@Suite struct MediaTypeTests {
    @Test func json_isAccepted_withOrWithoutUTF8Charset() throws {
        try MediaTypes.requireJSON("application/json")
        try MediaTypes.requireJSON("Application/JSON; charset=UTF-8")
    }

    @Test func otherTypes_missingType_andOtherCharsets_are415() {
        for contentType in ["text/plain", nil, "application/json; charset=latin1", "application/merge-patch+json"] {
            #expect(throws: Problem.self) { try MediaTypes.requireJSON(contentType) }
            do { try MediaTypes.requireJSON(contentType) } catch { #expect(error.status == 415) }
        }
    }

    @Test func mergePatch_isAcceptedWhereAPatchIsExpected() throws {
        try MediaTypes.requireJSON("application/merge-patch+json", allowMergePatch: true)
        try MediaTypes.requireJSON("application/json", allowMergePatch: true)
    }
}
