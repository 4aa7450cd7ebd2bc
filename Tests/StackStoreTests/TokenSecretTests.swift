import Testing

@testable import StackStore

@Suite("TokenSecret")
struct TokenSecretTests {
    @Test func generate_hasPrefixAndAtLeast256Bits() {
        let secret = TokenSecret.generate()
        #expect(secret.hasPrefix("stk_"))
        #expect(secret.utf8.count == 47)
        let body = Base64URL.decode(String(secret.dropFirst(4)))
        #expect(body?.count == 32)
        #expect(TokenSecret.looksLikeToken(secret))
    }

    @Test func generate_neverRepeats() {
        let secrets = Set((0..<500).map { _ in TokenSecret.generate() })
        #expect(secrets.count == 500)
    }

    @Test func hash_isSha256HexOfTheWholeSecret() {
        let secret = TokenSecret.generate()
        let hash = TokenSecret.hash(of: secret)
        #expect(hash == SHA256.hexDigest(of: Array(secret.utf8)))
        #expect(SHA256.isHexDigest(hash))
        #expect(!hash.contains(secret.dropFirst(4)))
        #expect(TokenSecret.hash(of: "stk_abc") == SHA256.hexDigest(of: "stk_abc"))
        #expect(TokenSecret.hash(of: secret) != TokenSecret.hash(of: TokenSecret.generate()))
    }

    @Test func generateID_isUrlSafeAndUnique() {
        let ids = (0..<500).map { _ in TokenSecret.generateID() }
        #expect(Set(ids).count == 500)
        for id in ids.prefix(20) {
            #expect(id.hasPrefix("tok_"))
            #expect(id.utf8.count == 4 + 26)
            #expect(id.utf8.allSatisfy { $0 == UInt8(ascii: "_") || (48...57).contains($0) || (97...122).contains($0) })
            #expect(TokenSecret.looksLikeID(id))
            #expect(!TokenSecret.looksLikeToken(id))
        }
    }

    @Test func looksLikeToken_rejectsWrongShapes() {
        let secret = TokenSecret.generate()
        #expect(!TokenSecret.looksLikeToken(""))
        #expect(!TokenSecret.looksLikeToken("stk_"))
        #expect(!TokenSecret.looksLikeToken(String(secret.dropLast())))  // too short
        #expect(!TokenSecret.looksLikeToken(secret + "A"))  // too long
        #expect(!TokenSecret.looksLikeToken("STK_" + secret.dropFirst(4)))  // wrong prefix
        #expect(!TokenSecret.looksLikeToken("stk_" + String(repeating: "+", count: 43)))  // not base64url
        #expect(!TokenSecret.looksLikeToken("stk_" + String(repeating: "A", count: 42) + "B"))  // non-canonical tail
        #expect(!TokenSecret.looksLikeToken("Bearer " + secret))
        #expect(!TokenSecret.looksLikeToken(String(secret.dropLast()) + "é"))
        #expect(TokenSecret.looksLikeToken("stk_" + String(repeating: "A", count: 43)))
    }

    @Test func looksLikeID_rejectsWrongShapes() {
        let id = TokenSecret.generateID()
        #expect(!TokenSecret.looksLikeID(id.uppercased()))
        #expect(!TokenSecret.looksLikeID(String(id.dropLast())))
        #expect(!TokenSecret.looksLikeID("tok_" + String(repeating: "u", count: 26)))
        #expect(!TokenSecret.looksLikeID(TokenSecret.generate()))
    }

    @Test func constantTimeEquals_comparesContent() {
        let a = TokenSecret.hash(of: "stk_one")
        #expect(TokenSecret.constantTimeEquals(a, a))
        #expect(TokenSecret.constantTimeEquals(a, String(a)))
        #expect(!TokenSecret.constantTimeEquals(a, TokenSecret.hash(of: "stk_two")))
        #expect(!TokenSecret.constantTimeEquals(a, String(a.dropLast())))
        let lastChanged = String(a.dropLast()) + (a.hasSuffix("0") ? "1" : "0")
        #expect(!TokenSecret.constantTimeEquals(a, lastChanged))
        #expect(TokenSecret.constantTimeEquals([UInt8](), [UInt8]()))
        #expect(!TokenSecret.constantTimeEquals([1, 2, 3] as [UInt8], [1, 2, 4] as [UInt8]))
    }
}
