import Testing

@testable import StackAPI

@Suite struct RequestFingerprintTests {
    @Test func sha256_matchesTheFIPSVectors() {
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

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
