
/// Record ids (SPEC §1, §3 Records): server-made ids sort by creation time; client ids are checked
/// against the SPEC's pattern.
public enum RecordID {
    private static let alphabet: [UInt8] = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)
    private static let state = Locked<(millis: Int64, random: (UInt64, UInt16))>((0, (0, 0)))

    /// A new 26-character id: 48-bit millisecond timestamp then 80 random bits, in lowercase
    /// Crockford base32, whose ASCII order is numeric order — so ids sort by creation time. Within
    /// one millisecond the random part is incremented, so ids made by this process stay ordered.
    public static func generate(at time: Timestamp = .now()) -> String {
        let (millis, high, low) = state.withLock { state -> (Int64, UInt64, UInt16) in
            if time.milliseconds <= state.millis {
                var (high, low) = state.random
                let (newLow, overflow) = low.addingReportingOverflow(1)
                low = newLow
                if overflow { high &+= 1 }
                state.random = (high, low)
            } else {
                var generator = SystemRandomNumberGenerator()
                // Keep the top bit clear so incrementing within a millisecond never wraps.
                state = (time.milliseconds, (generator.next() >> 1, generator.next()))
            }
            return (state.millis, state.random.0, state.random.1)
        }
        var bytes = [UInt8](repeating: 0, count: 26)
        var t = UInt64(max(0, millis)) & 0xFFFF_FFFF_FFFF
        for i in stride(from: 9, through: 0, by: -1) {
            bytes[i] = alphabet[Int(t & 31)]
            t >>= 5
        }
        // 80 random bits = 64 (high) + 16 (low), as 16 base32 digits.
        var lowBits = UInt64(low)
        var highBits = high
        for i in stride(from: 25, through: 10, by: -1) {
            bytes[i] = alphabet[Int(lowBits & 31)]
            // Shift the 80-bit number right by 5.
            lowBits = (lowBits >> 5) | ((highBits & 31) << 11)
            highBits >>= 5
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether `id` is acceptable as a client-chosen record id:
    /// `^[A-Za-z0-9][A-Za-z0-9._~-]{0,127}$` and not the reserved `query` (SPEC §3 Records).
    public static func isValidClientID(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard !bytes.isEmpty, bytes.count <= 128, id != "query" else { return false }
        for (i, c) in bytes.enumerated() {
            let alnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
            if i == 0 {
                guard alnum else { return false }
            } else {
                guard alnum || c == UInt8(ascii: ".") || c == UInt8(ascii: "_") || c == UInt8(ascii: "~") || c == UInt8(ascii: "-")
                else { return false }
            }
        }
        return true
    }
}
