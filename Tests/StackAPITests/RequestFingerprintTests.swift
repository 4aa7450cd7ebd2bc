import Testing

@testable import StackAPI

@Suite struct RequestFingerprintTests {
    @Test func sameJSONValue_differentlyFormatted_isTheSameRequest() {
        let a = RequestFingerprint.hash(
            method: "POST", target: "/records", contentType: "application/json", body: Array(#"{"a":1,"b":[true]}"#.utf8))
        let b = RequestFingerprint.hash(
            method: "POST", target: "/records", contentType: "application/json; charset=utf-8",
            body: Array("{ \"b\" : [ true ],\n \"a\": 1 }".utf8))
        #expect(a == b)
    }

    @Test func differentBodyPathOrMethod_isADifferentRequest() {
        let base = RequestFingerprint.hash(method: "POST", target: "/records", contentType: "application/json", body: Array(#"{"a":1}"#.utf8))
        #expect(base != RequestFingerprint.hash(method: "POST", target: "/records", contentType: "application/json", body: Array(#"{"a":2}"#.utf8)))
        #expect(base != RequestFingerprint.hash(method: "POST", target: "/types", contentType: "application/json", body: Array(#"{"a":1}"#.utf8)))
        #expect(base != RequestFingerprint.hash(method: "PUT", target: "/records", contentType: "application/json", body: Array(#"{"a":1}"#.utf8)))
    }

    @Test func rawBodies_areComparedByteForByte() {
        let a = RequestFingerprint.hash(method: "POST", target: "/attachments", contentType: "text/plain", body: Array("x ".utf8))
        let b = RequestFingerprint.hash(method: "POST", target: "/attachments", contentType: "text/plain", body: Array("x".utf8))
        #expect(a != b)
        #expect(a.count == 64)
    }
}
