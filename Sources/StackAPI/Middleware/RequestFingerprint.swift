import StackJSON
import StackStore

/// The hash that decides whether a repeated `Idempotency-Key` carries "the same body" (SPEC §2).
///
/// It covers the method, the path with its query, and the body. A JSON body is hashed in canonical
/// form (keys sorted, no insignificant whitespace), so a client that re-serialises the same value
/// differently still gets its replay; any other body is hashed byte for byte.
public enum RequestFingerprint {
    /// An upload's fingerprint: as ``hash(method:target:contentType:body:)`` with the SHA-256 of
    /// its bytes for the body (an upload is streamed to its blob, never held whole). Two uploads of
    /// different bytes never match.
    public static func uploadHash(method: String, target: String, contentType: String?, sha256: String) -> String {
        hash(method: method, target: target, contentType: contentType, body: Array("sha256:\(sha256)".utf8))
    }

    /// The SHA-256 of a streamed body, read to its end (at most `limit` bytes, 413 past that).
    static func streamedDigest(of body: any APIRequestBody, limit: Int) async throws -> String {
        if let declared = body.declaredLength, declared > limit { throw Problem.payloadTooLarge(limit: limit) }
        var hasher = SHA256()
        var total = 0
        while let chunk = try await body.nextChunk() {
            total += chunk.count
            guard total <= limit else { throw Problem.payloadTooLarge(limit: limit) }
            hasher.update(chunk)
        }
        return hasher.finalizeHex()
    }

    /// 64 hex digits of SHA-256 over `method`, `target` and the (canonical) body.
    public static func hash(method: String, target: String, contentType: String?, body: [UInt8]) -> String {
        var input = Array(method.utf8)
        input.append(0)
        input += Array(target.utf8)
        input.append(0)
        let essence = MediaTypes.essence(of: contentType)
        if essence == MediaTypes.json || essence == MediaTypes.mergePatchJSON,
            let value = try? JSONParser.parse(body)
        {
            input += Array("json".utf8)
            input.append(0)
            input += JSONSerializer.serialize(value, options: .sortedKeys)
        } else {
            input += Array((essence ?? "").utf8)
            input.append(0)
            input += body
        }
        return SHA256.hexDigest(of: input)
    }
}
