import Synchronization

/// The outcome of asking a rate limiter for one request, with the values of the rate-limit headers.
public struct RateLimitDecision: Sendable, Equatable {
    /// Whether the request may proceed.
    public var isAllowed: Bool
    /// Requests allowed per minute (`RateLimit-Limit`).
    public var limit: Int
    /// Requests left right now (`RateLimit-Remaining`).
    public var remaining: Int
    /// Whole seconds until the bucket is full again (`RateLimit-Reset`).
    public var resetSeconds: Int
    /// Whole seconds until one more request is allowed (`Retry-After`), 0 when allowed.
    public var retryAfterSeconds: Int

    /// `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`
    /// (draft-ietf-httpapi-ratelimit-headers), sent on every rate-limited caller's response.
    public var headers: [(name: String, value: String)] {
        [
            ("RateLimit-Limit", String(limit)), ("RateLimit-Remaining", String(remaining)),
            ("RateLimit-Reset", String(resetSeconds)),
        ]
    }
}

/// A token-bucket rate limiter per key (a token id, or a client address).
///
/// Each key has a bucket of `perMinute` requests that refills continuously at `perMinute` per 60 s,
/// so bursts up to the limit are allowed and the long-run rate is the limit (SPEC §6: 600 per
/// minute per non-owner token by default; 10 failed authentications per minute per address).
/// Thread-safe; the clock is a parameter so tests need no waiting.
///
/// ```swift
/// let limiter = RateLimiter(perMinute: 600)
/// let decision = limiter.acquire("token:abc")
/// if !decision.isAllowed { throw Problem.tooManyRequests(decision) }
/// ```
public final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: Double
    }

    /// The bucket size and the requests allowed per minute.
    public let perMinute: Int
    private let maxKeys: Int
    private let buckets = Mutex<[String: Bucket]>([:])

    /// - Parameters:
    ///   - perMinute: requests per minute per key, at least 1.
    ///   - maxKeys: how many keys to remember before forgetting the ones whose buckets are full.
    public init(perMinute: Int, maxKeys: Int = 100_000) {
        precondition(perMinute > 0, "a rate limit must allow at least one request per minute")
        self.perMinute = perMinute
        self.maxKeys = maxKeys
    }

    private var refillPerSecond: Double { Double(perMinute) / 60 }

    /// Takes one request from `key`'s bucket if there is one.
    /// - Parameter now: seconds on a monotonic clock; defaults to the system's.
    public func acquire(_ key: String, now: Double = MonotonicClock.seconds()) -> RateLimitDecision {
        buckets.withLock { buckets in
            var bucket = refilled(buckets[key], now: now)
            let allowed = bucket.tokens >= 1
            if allowed { bucket.tokens -= 1 }
            if buckets[key] == nil, buckets.count >= maxKeys { prune(&buckets, now: now) }
            buckets[key] = bucket
            return decision(for: bucket, allowed: allowed)
        }
    }

    /// Reports `key`'s state without taking a request: `isAllowed` is whether one more would pass.
    public func peek(_ key: String, now: Double = MonotonicClock.seconds()) -> RateLimitDecision {
        buckets.withLock { buckets in
            let bucket = refilled(buckets[key], now: now)
            return decision(for: bucket, allowed: bucket.tokens >= 1)
        }
    }

    /// Forgets every key.
    public func reset() {
        buckets.withLock { $0.removeAll() }
    }

    private func refilled(_ bucket: Bucket?, now: Double) -> Bucket {
        guard var bucket else { return Bucket(tokens: Double(perMinute), updated: now) }
        let elapsed = max(0, now - bucket.updated)
        bucket.tokens = min(Double(perMinute), bucket.tokens + elapsed * refillPerSecond)
        bucket.updated = now
        return bucket
    }

    private func decision(for bucket: Bucket, allowed: Bool) -> RateLimitDecision {
        let missing = Double(perMinute) - bucket.tokens
        let reset = Int((missing / refillPerSecond).rounded(.up))
        let retry = allowed ? 0 : max(1, Int(((1 - bucket.tokens) / refillPerSecond).rounded(.up)))
        return RateLimitDecision(
            isAllowed: allowed, limit: perMinute, remaining: max(0, Int(bucket.tokens.rounded(.down))),
            resetSeconds: max(0, reset), retryAfterSeconds: retry)
    }

    /// Drops keys whose buckets have refilled completely: they behave exactly like unknown keys.
    private func prune(_ buckets: inout [String: Bucket], now: Double) {
        buckets = buckets.filter { _, bucket in
            bucket.tokens + max(0, now - bucket.updated) * refillPerSecond < Double(perMinute)
        }
    }
}

/// Seconds on a monotonic clock, for rate limiting and durations.
public enum MonotonicClock {
    /// Seconds since the first use of this clock in the process.
    public static func seconds() -> Double {
        let elapsed = reference.duration(to: .now).components
        return Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
    }

    private static let reference = ContinuousClock.now
}
