/// Reading the `Authorization` header (RFC 6750 §2.1).
public enum BearerToken {
    /// What the header says.
    public enum Credential: Sendable, Equatable {
        /// No `Authorization` header: an anonymous request.
        case none
        /// `Bearer <token>`.
        case bearer(String)
        /// Some other scheme or a malformed value: treated as a bad token (401).
        case malformed
    }

    /// Reads an `Authorization` header value.
    public static func parse(_ header: String?) -> Credential {
        guard let header else { return .none }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return .malformed }
        let token = parts[1].trimming(" \t")
        // b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
        guard !token.isEmpty, token.utf8.count <= 512,
            token.utf8.allSatisfy({ byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || "-._~+/=".utf8.contains(byte)
            })
        else { return .malformed }
        return .bearer(token)
    }
}
