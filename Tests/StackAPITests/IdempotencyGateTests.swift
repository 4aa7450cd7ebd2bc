import StackJSON
import Testing

@testable import StackAPI

/// The in-memory side of `Idempotency-Key` on `POST /tokens`: the stored answer lacks the secret,
/// which only this process holds, for as long as a replay may come.
@Suite struct IdempotencyGateTests {
    static let stored = APIResponse(status: 201, json: ["id": "t1", "name": "phone"])

    static func token(_ response: APIResponse) -> JSON? {
        (try? JSON(parsing: response.body))?["token"]
    }

    @Test func aReplayGetsTheSecretBackWhileThisProcessHoldsIt() {
        let gate = IdempotencyGate(lifetimeSeconds: 60)
        gate.remember(secret: "stk_secret", entityId: "owner", key: "k", now: 0)
        #expect(Self.token(gate.withSecret(Self.stored, entityId: "owner", key: "k", now: 30)) == "stk_secret")
        #expect(Self.token(gate.withSecret(Self.stored, entityId: "owner", key: "k", now: 30))?.stringValue != nil)
        // Another key or entity, past the lifetime, or after a restart: the stored answer as it is.
        #expect(Self.token(gate.withSecret(Self.stored, entityId: "owner", key: "other", now: 30)) == nil)
        #expect(Self.token(gate.withSecret(Self.stored, entityId: "someone", key: "k", now: 30)) == nil)
        #expect(Self.token(gate.withSecret(Self.stored, entityId: "owner", key: "k", now: 61)) == nil)
        #expect(Self.token(IdempotencyGate().withSecret(Self.stored, entityId: "owner", key: "k")) == nil)
        #expect(gate.withSecret(Self.stored, entityId: "owner", key: "k", now: 30).status == 201)
    }

    @Test func atMostALimitedNumberOfSecretsAreHeld_theOldestGoFirst() {
        let gate = IdempotencyGate(lifetimeSeconds: 1_000_000)
        for i in 0...IdempotencyGate.secretLimit {
            gate.remember(secret: "s\(i)", entityId: "owner", key: "k\(i)", now: Double(i))
        }
        let now = Double(IdempotencyGate.secretLimit + 1)
        #expect(Self.token(gate.withSecret(Self.stored, entityId: "owner", key: "k0", now: now)) == nil)
        #expect(Self.token(gate.withSecret(Self.stored, entityId: "owner", key: "k1", now: now)) == "s1")
        #expect(Self.token(gate.withSecret(Self.stored, entityId: "owner", key: "k\(IdempotencyGate.secretLimit)", now: now)) != nil)
    }
}
