import StackStore
import Synchronization

/// Remembers recent token → principal answers for a moment, so a request costs one database read
/// instead of two.
///
/// Entries live `lifetime` seconds (default 1 s). Revoking a token or erasing an entity through the
/// API clears the cache at once, so SPEC §3's "refused from the next request on" holds for the API;
/// a revocation by `stack token revoke` in another process takes effect within the lifetime. An
/// entry never outlives its token's expiry.
final class PrincipalCache: Sendable {
    private struct Entry {
        var principal: Principal
        var fetched: Double
    }

    private let lifetime: Double
    private let maxEntries: Int
    private let entries = Mutex<[String: Entry]>([:])

    init(lifetime: Double = 1, maxEntries: Int = 10_000) {
        self.lifetime = lifetime
        self.maxEntries = maxEntries
    }

    func principal(for secret: String, now: Double = MonotonicClock.seconds(), wallClock: Timestamp? = nil) -> Principal? {
        guard lifetime > 0 else { return nil }
        return entries.withLock { entries in
            guard let entry = entries[secret] else { return nil }
            // The clock is read only for a token that expires.
            let expired = entry.principal.tokenExpiresAt.map { (wallClock ?? .now()) >= $0 } ?? false
            guard now - entry.fetched < lifetime, !expired else {
                entries[secret] = nil
                return nil
            }
            return entry.principal
        }
    }

    func store(_ principal: Principal, for secret: String, now: Double = MonotonicClock.seconds()) {
        guard lifetime > 0 else { return }
        entries.withLock { entries in
            if entries.count >= maxEntries { entries.removeAll(keepingCapacity: true) }
            entries[secret] = Entry(principal: principal, fetched: now)
        }
    }

    /// Forgets everything (after a revocation).
    func removeAll() {
        entries.withLock { $0.removeAll() }
    }

    /// Forgets the answers for `entityId`'s tokens (after its record is deleted or erased).
    func removeAll(entityId: String) {
        entries.withLock { entries in entries = entries.filter { $0.value.principal.entityId != entityId } }
    }
}
