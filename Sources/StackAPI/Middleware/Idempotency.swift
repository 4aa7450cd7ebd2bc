import StackStore
import Synchronization

/// `Idempotency-Key` handling (SPEC §2): replays, mismatches, and keys in flight.
///
/// The stored answer itself is written by the store in the same transaction as the write it
/// answers (see `IdempotencyContext.stamp`); this type keeps the in-memory set of keys whose first
/// request is still running, so a concurrent retry gets 409 instead of a second write.
final class IdempotencyGate: Sendable {
    private let inFlight = Mutex<Set<String>>([])

    /// A valid key: 1…255 visible ASCII characters.
    static func isValidKey(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.count <= 255 && key.utf8.allSatisfy { $0 >= 0x21 && $0 <= 0x7E }
    }

    /// Claims (entity, key); `false` when a request with it is already running.
    func begin(entityId: String, key: String) -> Bool {
        inFlight.withLock { $0.insert(entityId + "\u{0}" + key).inserted }
    }

    func end(entityId: String, key: String) {
        _ = inFlight.withLock { $0.remove(entityId + "\u{0}" + key) }
    }

    /// The stored response replayed with `Idempotent-Replayed: true`.
    static func replay(_ stored: StoredResponse) -> APIResponse {
        var response = APIResponse(
            status: stored.status, headers: stored.headers.map { ($0.name, $0.value) }, body: stored.body)
        response.setHeader("Idempotent-Replayed", "true")
        return response
    }
}
