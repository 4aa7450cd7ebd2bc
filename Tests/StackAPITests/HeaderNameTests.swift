import Testing

@testable import StackAPI

@Suite struct HeaderNameTests {
    @Test func equal_isLowercasedEquality() {
        let names = [
            "Authorization", "authorization", "AUTHORIZATION", "Authorizatio", "If-None-Match", "if-none-match", "X-A@", "x-a`",
            "[", "{", "Ä", "ä", "\u{212A}", "k", "K", "", "İ", "i̇", "Straße", "STRASSE",
        ]
        for a in names {
            for b in names {
                #expect(HeaderName.equal(a, b) == (a.lowercased() == b.lowercased()), "\(a) vs \(b)")
            }
        }
    }

    @Test func trimming_keepsItsCharacterSemantics() {
        #expect(" \tBearer x \t".trimming(" \t") == "Bearer x")
        #expect("plain".trimming(" \t") == "plain")
        #expect("\"quoted\"".trimming(" \t\"") == "quoted")
        #expect("   ".trimming(" ") == "")
        #expect("".trimming(" ") == "")
        #expect("é ".trimming(" ") == "é")
        // A space followed by a combining mark is one Character, not a space: kept.
        #expect(" \u{301}x".trimming(" ") == " \u{301}x")
    }
}
