/// Bearer-token secrets and token ids (SPEC §1 "token", issue 4 item 6).
///
/// A secret is `stk_` followed by the base64url encoding (no padding) of 32 bytes from
/// `SecureRandom`: 256 bits of entropy, 47 characters, recognisable in logs and by secret scanners.
/// Only `hash(of:)` is ever stored; a presented secret is looked up by its hash, so a database leak
/// reveals no usable token and the lookup compares digests, never secrets.
///
/// ```swift
/// let secret = TokenSecret.generate()          // "stk_q3…" — shown to the user once
/// let stored = TokenSecret.hash(of: secret)    // 64 hex characters, kept in the database
/// let id = TokenSecret.generateID()            // "tok_…" — public, listed by GET /tokens
/// TokenSecret.looksLikeToken(header)           // cheap check before any database work
/// ```
public enum TokenSecret {
    /// Prefix of every secret.
    public static let secretPrefix = "stk_"
    /// Prefix of every token id.
    public static let idPrefix = "tok_"
    /// Random bytes in a secret (256 bits).
    public static let secretByteCount = 32
    /// Random bytes in a token id (128 bits: unguessable, collision-free in practice).
    public static let idByteCount = 16
    /// Length of a secret in characters: 4 + ⌈32 × 8 / 6⌉ = 47.
    public static let secretLength = secretPrefix.utf8.count + Base64URL.encodedLength(byteCount: secretByteCount)

    /// A new secret: `stk_` + base64url(32 secure random bytes).
    public static func generate() -> String {
        secretPrefix + Base64URL.encode(SecureRandom.bytes(secretByteCount))
    }

    /// The value to store and look up for `secret`: SHA-256 of its whole UTF-8 text (prefix
    /// included), as 64 lowercase hexadecimal characters.
    public static func hash(of secret: String) -> String {
        SHA256.hexDigest(of: secret)
    }

    /// A new token id: `tok_` + 16 secure random bytes in lowercase Crockford Base32 (26
    /// characters). URL-safe, case-stable, and not derived from the secret.
    public static func generateID() -> String {
        idPrefix + Base32Crockford.encode(SecureRandom.bytes(idByteCount), lowercase: true)
    }

    /// Whether `text` has the exact shape of a secret made by `generate()`: the prefix, then 43
    /// base64url characters that decode canonically to 32 bytes.
    ///
    /// Purely syntactic and cheap; a `true` answer says nothing about whether the token exists.
    /// Use it to answer 401 early on garbage without hashing or touching the database.
    public static func looksLikeToken(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard utf8.count == secretLength, text.hasPrefix(secretPrefix) else { return false }
        let body = String(text.dropFirst(secretPrefix.count))
        return Base64URL.decode(body)?.count == secretByteCount
    }

    /// Whether `text` has the shape of an id made by `generateID()`.
    public static func looksLikeID(_ text: String) -> Bool {
        guard text.hasPrefix(idPrefix) else { return false }
        let body = String(text.dropFirst(idPrefix.count))
        return body.utf8.count == Base32Crockford.encodedLength(byteCount: idByteCount)
            && body == body.lowercased()
            && Base32Crockford.decode(body)?.count == idByteCount
    }

    /// Compares two byte strings in time that depends only on their lengths, not on where they
    /// differ, so comparing a presented value to a stored one leaks nothing through timing.
    ///
    /// Lengths are not secret here (hashes and secrets have fixed lengths); unequal lengths return
    /// `false` at once.
    public static func constantTimeEquals<A: Collection, B: Collection>(_ a: A, _ b: B) -> Bool
    where A.Element == UInt8, B.Element == UInt8 {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }

    /// `constantTimeEquals` over the UTF-8 bytes of two strings (e.g. two hex digests).
    public static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        constantTimeEquals(Array(a.utf8), Array(b.utf8))
    }
}
