import Testing

@testable import StackAPI

@Suite struct ConditionalTests {
    @Test func ifMatch_strongComparison_star_andAbsentResource() {
        let current = Conditional.recordETag(version: 3)
        #expect(current == "\"3\"")
        #expect(Conditional.ifMatchPasses(nil, current: current))
        #expect(Conditional.ifMatchPasses("\"3\"", current: current))
        #expect(Conditional.ifMatchPasses("\"1\", \"3\"", current: current))
        #expect(Conditional.ifMatchPasses("*", current: current))
        #expect(!Conditional.ifMatchPasses("\"2\"", current: current))
        #expect(!Conditional.ifMatchPasses("W/\"3\"", current: current))
        #expect(!Conditional.ifMatchPasses("*", current: nil))
    }

    @Test func ifNoneMatch_weakComparison() {
        let current = "\"7\""
        #expect(Conditional.ifNoneMatchHits("\"7\"", current: current))
        #expect(Conditional.ifNoneMatchHits("W/\"7\"", current: current))
        #expect(Conditional.ifNoneMatchHits("\"1\",\"7\"", current: current))
        #expect(Conditional.ifNoneMatchHits("*", current: current))
        #expect(!Conditional.ifNoneMatchHits("\"8\"", current: current))
        #expect(!Conditional.ifNoneMatchHits(nil, current: current))
    }

    @Test func byteRanges_singleRangesOnly() {
        #expect(ByteRange.resolve(nil, size: 10) == .full)
        #expect(ByteRange.resolve("bytes=0-4", size: 10) == .partial(0...4))
        #expect(ByteRange.resolve("bytes=5-", size: 10) == .partial(5...9))
        #expect(ByteRange.resolve("bytes=-3", size: 10) == .partial(7...9))
        #expect(ByteRange.resolve("bytes=-30", size: 10) == .partial(0...9))
        #expect(ByteRange.resolve("bytes=8-100", size: 10) == .partial(8...9))
        #expect(ByteRange.resolve("bytes=10-", size: 10) == .unsatisfiable)
        #expect(ByteRange.resolve("bytes=-0", size: 10) == .unsatisfiable)
        #expect(ByteRange.resolve("bytes=0-0", size: 0) == .unsatisfiable)
        // A byte range that ends before it starts is a bad range (SPEC §3: 416).
        #expect(ByteRange.resolve("bytes=5-2", size: 10) == .unsatisfiable)
        // Ignored (RFC 9110 §14.2): other units, several ranges, nonsense.
        #expect(ByteRange.resolve("items=0-1", size: 10) == .full)
        #expect(ByteRange.resolve("bytes=0-1,3-4", size: 10) == .full)
        #expect(ByteRange.resolve("bytes=a-b", size: 10) == .full)
    }

    @Test func bearerTokens() {
        #expect(BearerToken.parse(nil) == .none)
        #expect(BearerToken.parse("Bearer stk_abc-123") == .bearer("stk_abc-123"))
        #expect(BearerToken.parse("bearer stk_abc") == .bearer("stk_abc"))
        #expect(BearerToken.parse("Basic dXNlcjpwYXNz") == .malformed)
        #expect(BearerToken.parse("Bearer") == .malformed)
        #expect(BearerToken.parse("Bearer a b") == .malformed)
        #expect(BearerToken.parse("Bearer a\"b") == .malformed)
    }
}
