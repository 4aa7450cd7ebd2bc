import StackStore
import Testing

@testable import StackAPI

@Suite struct RateLimiterTests {
    @Test func allowsABurstUpToTheLimit_thenRefuses() {
        let limiter = RateLimiter(perMinute: 3)
        #expect(limiter.acquire("a", now: 0).remaining == 2)
        #expect(limiter.acquire("a", now: 0).isAllowed)
        let third = limiter.acquire("a", now: 0)
        #expect(third.isAllowed && third.remaining == 0)
        let refused = limiter.acquire("a", now: 0)
        #expect(!refused.isAllowed)
        #expect(refused.retryAfterSeconds == 20)  // one request per 20 s at 3/min
        #expect(refused.resetSeconds == 60)
    }

    @Test func keysHaveSeparateBuckets() {
        let limiter = RateLimiter(perMinute: 1)
        #expect(limiter.acquire("a", now: 0).isAllowed)
        #expect(!limiter.acquire("a", now: 0).isAllowed)
        #expect(limiter.acquire("b", now: 0).isAllowed)
    }

    @Test func refillsContinuously() {
        let limiter = RateLimiter(perMinute: 60)
        for _ in 0..<60 { _ = limiter.acquire("a", now: 100) }
        #expect(!limiter.acquire("a", now: 100).isAllowed)
        #expect(limiter.acquire("a", now: 101).isAllowed)
        #expect(!limiter.acquire("a", now: 101).isAllowed)
        #expect(limiter.acquire("a", now: 200).remaining == 59)
    }

    @Test func peek_doesNotConsume() {
        let limiter = RateLimiter(perMinute: 1)
        #expect(limiter.peek("a", now: 0).isAllowed)
        #expect(limiter.peek("a", now: 0).isAllowed)
        _ = limiter.acquire("a", now: 0)
        #expect(!limiter.peek("a", now: 0).isAllowed)
    }

    @Test func failedAuthenticationBackOff_blocksAnAddressAfterTenFailuresAMinute() {
        let failures = RateLimiter(perMinute: 10)
        for _ in 0..<10 { _ = failures.acquire("192.0.2.1", now: 0) }
        #expect(!failures.peek("192.0.2.1", now: 1).isAllowed)
        #expect(failures.peek("192.0.2.2", now: 1).isAllowed)
        #expect(failures.peek("192.0.2.1", now: 6).isAllowed)
    }

    @Test func forgettingFullBuckets_keepsMemoryBounded_withoutForgivingRecentUse() {
        let limiter = RateLimiter(perMinute: 1, maxKeys: 2)
        _ = limiter.acquire("a", now: 0)
        _ = limiter.acquire("b", now: 100)
        _ = limiter.acquire("c", now: 100)  // prunes "a", full again by now
        #expect(!limiter.acquire("b", now: 100).isAllowed)
        #expect(limiter.acquire("a", now: 100).isAllowed)
    }
}

@Suite struct PrincipalCacheTests {
    @Test func entriesExpire_andCanBeCleared() {
        let cache = PrincipalCache(lifetime: 1)
        let principal = Principal(entityId: "e", isOwner: false)
        #expect(cache.principal(for: "stk_a", now: 0) == nil)
        cache.store(principal, for: "stk_a", now: 10)
        #expect(cache.principal(for: "stk_a", now: 10.5) == principal)
        #expect(cache.principal(for: "stk_a", now: 11) == nil)
        cache.store(principal, for: "stk_a", now: 20)
        cache.removeAll()
        #expect(cache.principal(for: "stk_a", now: 20) == nil)
        let off = PrincipalCache(lifetime: 0)
        off.store(principal, for: "stk_a", now: 0)
        #expect(off.principal(for: "stk_a", now: 0) == nil)
    }

    /// Deleting an entity's record forgets its tokens' answers, and only theirs.
    @Test func anEntitysEntriesCanBeForgotten() {
        let cache = PrincipalCache(lifetime: 1)
        let (a, b) = (Principal(entityId: "a", isOwner: false), Principal(entityId: "b", isOwner: false))
        cache.store(a, for: "stk_a", now: 0)
        cache.store(a, for: "stk_a2", now: 0)
        cache.store(b, for: "stk_b", now: 0)
        cache.removeAll(entityId: "a")
        #expect(cache.principal(for: "stk_a", now: 0.1) == nil && cache.principal(for: "stk_a2", now: 0.1) == nil)
        #expect(cache.principal(for: "stk_b", now: 0.1) == b)
    }

    /// An entry never outlives its token: expiry is honoured at once, not a lifetime later.
    @Test func entriesEndWithTheirTokensExpiry() {
        let cache = PrincipalCache(lifetime: 1)
        var principal = Principal(entityId: "e", isOwner: false)
        principal.tokenExpiresAt = Timestamp(milliseconds: 5_000)
        cache.store(principal, for: "stk_a", now: 10)
        #expect(cache.principal(for: "stk_a", now: 10.2, wallClock: Timestamp(milliseconds: 4_999)) == principal)
        #expect(cache.principal(for: "stk_a", now: 10.3, wallClock: Timestamp(milliseconds: 5_000)) == nil)
    }
}
