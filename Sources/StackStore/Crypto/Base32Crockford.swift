/// Crockford's Base32 (https://www.crockford.com/base32.html): digits and letters without I, L, O, U,
/// so ids are unambiguous to read aloud and URL-safe.
///
/// The alphabet is in ASCII order (digits before letters), so for equal-length encodings the
/// text order is the numeric order of the encoded bytes: a fixed-width, big-endian time prefix
/// gives ids that sort by time (as ULIDs do). The lowercase form keeps that property.
///
/// ```swift
/// Base32Crockford.encode(1_700_000_000_000, digits: 10)   // "01HF7YAT00" (time, 48 bits)
/// Base32Crockford.encode(SecureRandom.bytes(10))          // 16 characters of randomness
/// ```
public enum Base32Crockford {
    private static let upper: [UInt8] = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
    private static let lower: [UInt8] = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)

    /// The value (0…31) of each ASCII byte, either case, or 0xff when not in the alphabet.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xff, count: 256)
        for (index, byte) in upper.enumerated() { table[Int(byte)] = UInt8(index) }
        for (index, byte) in lower.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    /// The number of characters `encode(_:lowercase:)` produces for `byteCount` bytes: ⌈8n/5⌉.
    public static func encodedLength(byteCount: Int) -> Int {
        (byteCount * 8 + 4) / 5
    }

    /// `bytes` as a big-endian bit string, 5 bits per character; the last character is padded with
    /// zero bits. No `=` padding.
    public static func encode<Bytes: Collection>(_ bytes: Bytes, lowercase: Bool = false) -> String
    where Bytes.Element == UInt8 {
        let alphabet = lowercase ? lower : upper
        let length = encodedLength(byteCount: bytes.count)
        return String(unsafeUninitializedCapacity: length) { out in
            var o = 0
            var accumulator: UInt32 = 0
            var bits = 0
            for byte in bytes {
                accumulator = accumulator << 8 | UInt32(byte)
                bits += 8
                while bits >= 5 {
                    bits -= 5
                    out[o] = alphabet[Int(accumulator >> UInt32(bits) & 31)]
                    o += 1
                }
                accumulator &= (1 << UInt32(bits)) - 1
            }
            if bits > 0 {
                out[o] = alphabet[Int(accumulator << UInt32(5 - bits) & 31)]
                o += 1
            }
            return o
        }
    }

    /// The low `5 × digits` bits of `value`, most significant first, as exactly `digits` characters
    /// (zero-padded). Values too large for the width are truncated to their low bits.
    ///
    /// - Precondition: `0 <= digits <= 13` (13 × 5 = 65 bits cover a `UInt64`).
    public static func encode(_ value: UInt64, digits: Int, lowercase: Bool = false) -> String {
        precondition((0...13).contains(digits), "digits must be in 0...13")
        let alphabet = lowercase ? lower : upper
        return String(unsafeUninitializedCapacity: digits) { out in
            var v = value
            for i in stride(from: digits - 1, through: 0, by: -1) {
                out[i] = alphabet[Int(v & 31)]
                v >>= 5
            }
            return digits
        }
    }

    /// Decodes text made by `encode(_:lowercase:)` (either case).
    ///
    /// - Returns: the bytes, or `nil` for a character outside the alphabet, an impossible length,
    ///   or non-zero padding bits, so each byte string has one accepted spelling per case.
    public static func decode(_ text: String) -> [UInt8]? {
        let input = Array(text.utf8)
        // Lengths ⌈8n/5⌉ never leave 1, 3 or 6 characters in the last group of 8.
        if [1, 3, 6].contains(input.count % 8) { return nil }
        return BitPacking.decode(input, values: values, bitsPerSymbol: 5)
    }
}
