import StackJSON
import StackStore
import Synchronization

/// `Idempotency-Key` handling (SPEC §2): replays, mismatches, and keys in flight.
///
/// The stored answer itself is written by the store in the same transaction as the write it
/// answers (see `IdempotencyContext.stamp`); this type keeps the in-memory set of keys whose first
/// request is still running, so a concurrent retry gets 409 instead of a second write.
final class IdempotencyGate: Sendable {
    private let inFlight = Mutex<Set<String>>([])
    /// The secrets of tokens made with a key, in memory only (only a hash of a secret is ever
    /// stored, SPEC §1): a replay of `POST /tokens` puts the secret back into the stored answer,
    /// which lacks it. Kept as long as a replay may come (`lifetime`), at most `secretLimit`.
    private let secrets = Mutex<[String: (secret: String, until: Double)]>([:])
    private let lifetime: Double
    static let secretLimit = 1024

    init(lifetimeSeconds: Double = 24 * 3600) {
        lifetime = lifetimeSeconds
    }

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

    /// Remembers the secret of the token made for (entity, key).
    func remember(secret: String, entityId: String, key: String, now: Double = MonotonicClock.seconds()) {
        secrets.withLock { secrets in
            secrets = secrets.filter { $0.value.until > now }
            if secrets.count >= Self.secretLimit, let oldest = secrets.min(by: { $0.value.until < $1.value.until }) {
                secrets.removeValue(forKey: oldest.key)
            }
            secrets[entityId + "\u{0}" + key] = (secret, now + lifetime)
        }
    }

    /// The replay of a `POST /tokens` answer with its secret put back as `token`, when this
    /// process still holds it; otherwise the stored answer as it is, without the secret.
    func withSecret(_ response: APIResponse, entityId: String, key: String, now: Double = MonotonicClock.seconds()) -> APIResponse {
        guard let secret = secrets.withLock({ $0[entityId + "\u{0}" + key] }), secret.until > now,
            case .object(var object)? = try? JSON(parsing: response.body)
        else { return response }
        object["token"] = .string(secret.secret)
        var replayed = response
        replayed.body = Array(JSON.object(object).serializedString().utf8)
        return replayed
    }

    /// The stored response replayed with `Idempotent-Replayed: true`.
    static func replay(_ stored: StoredResponse) -> APIResponse {
        var response = APIResponse(
            status: stored.status, headers: stored.headers.map { ($0.name, $0.value) }, body: stored.body)
        response.setHeader("Idempotent-Replayed", "true")
        return response
    }
}
