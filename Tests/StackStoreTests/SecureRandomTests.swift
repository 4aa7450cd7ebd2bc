import Testing

@testable import StackStore

@Suite("SecureRandom")
struct SecureRandomTests {
    @Test(arguments: [0, 1, 16, 32, 255, 256, 257, 1000, 70_000])
    func bytes_returnsRequestedCount(count: Int) {
        #expect(SecureRandom.bytes(count).count == count)
    }

    @Test func bytes_areNotRepeatedOrConstant() {
        var seen = Set<[UInt8]>()
        for _ in 0..<1000 { seen.insert(SecureRandom.bytes(16)) }
        #expect(seen.count == 1000)
        // A long buffer (several getentropy chunks) uses all byte values and is not all zero.
        let long = SecureRandom.bytes(70_000)
        #expect(Set(long).count == 256)
        // Each 256-byte chunk was really filled (no chunk left zeroed).
        for start in stride(from: 0, to: long.count, by: 256) {
            #expect(long[start..<min(start + 256, long.count)].contains { $0 != 0 })
        }
    }

    @Test func uint64_varies() {
        let values = Set((0..<100).map { _ in SecureRandom.uint64() })
        #expect(values.count == 100)
    }
}

@Suite("Base64URL and Crockford Base32")
struct EncodingTests {
    // RFC 4648 §10 vectors, with padding removed and the URL alphabet.
    @Test(arguments: [
        ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"),
        ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy"),
    ])
    func base64url_rfc4648Vectors(plain: String, encoded: String) {
        #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
        #expect(Base64URL.decode(encoded) == Array(plain.utf8))
    }

    @Test func base64url_usesUrlSafeAlphabet() {
        #expect(Base64URL.encode([0xfb, 0xff, 0xbf]) == "-_-_")
        #expect(Base64URL.encode([0xfb, 0xff]) == "-_8")
        #expect(Base64URL.encodedLength(byteCount: 32) == 43)
    }

    @Test func base64url_roundTripsRandomBytes() {
        for length in 0..<100 {
            let bytes = SecureRandom.bytes(length)
            let text = Base64URL.encode(bytes)
            #expect(text.utf8.count == Base64URL.encodedLength(byteCount: length))
            #expect(Base64URL.decode(text) == bytes)
        }
    }

    @Test(arguments: ["Zg==", "Zm9v+", "Zm9v/", "Z", "Zh", "Zm9 v", "é"])
    func base64url_rejectsNonCanonicalOrForeignText(text: String) {
        #expect(Base64URL.decode(text) == nil)
    }

    @Test func crockford_encodesAndRoundTrips() {
        #expect(Base32Crockford.encode([]) == "")
        #expect(Base32Crockford.encode([0xff]) == "ZW")
        #expect(Base32Crockford.encode([0x00, 0x00, 0x00, 0x00, 0x00]) == "00000000")
        #expect(Base32Crockford.encode(Array("foobar".utf8)) == "CSQPYRK1E8")
        #expect(Base32Crockford.encode(Array("foobar".utf8), lowercase: true) == "csqpyrk1e8")
        for length in 0..<60 {
            let bytes = SecureRandom.bytes(length)
            let text = Base32Crockford.encode(bytes, lowercase: length % 2 == 0)
            #expect(text.utf8.count == Base32Crockford.encodedLength(byteCount: length))
            #expect(Base32Crockford.decode(text) == bytes)
        }
    }

    @Test func crockford_rejectsForeignAndNonCanonical() {
        #expect(Base32Crockford.decode("ZZ") == nil)  // padding bits set
        #expect(Base32Crockford.decode("IL") == nil)  // excluded letters
        #expect(Base32Crockford.decode("U0") == nil)
        #expect(Base32Crockford.decode("0") == nil)  // impossible length
    }

    @Test func crockford_fixedWidthIntegers_sortLikeTheirValues() {
        #expect(Base32Crockford.encode(0, digits: 10) == "0000000000")
        #expect(Base32Crockford.encode(31, digits: 2) == "0Z")
        #expect(Base32Crockford.encode(32, digits: 2, lowercase: true) == "10")
        var previousUpper = "", previousLower = ""
        for value in stride(from: UInt64(0), to: 1 << 40, by: (1 << 40) / 997) {
            let upper = Base32Crockford.encode(value, digits: 10)
            let lower = Base32Crockford.encode(value, digits: 10, lowercase: true)
            #expect(upper > previousUpper && lower > previousLower)
            #expect(upper.utf8.count == 10 && lower == upper.lowercased())
            previousUpper = upper
            previousLower = lower
        }
        #expect(Base32Crockford.encode(UInt64.max, digits: 13) == "FZZZZZZZZZZZZ")
    }
}
