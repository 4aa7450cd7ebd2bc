/// Base64url without padding (RFC 4648 §5, padding omitted as §3.2 allows): the URL- and
/// filename-safe alphabet `A-Z a-z 0-9 - _`, so encoded values can appear in paths, query strings and
/// headers unescaped.
///
/// ```swift
/// Base64URL.encode([0xfb, 0xff])   // "-_8"
/// Base64URL.decode("-_8")          // [0xfb, 0xff]
/// ```
public enum Base64URL {
    private static let alphabet: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// The value (0…63) of each ASCII byte, or 0xff when the byte is not in the alphabet.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xff, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    /// The number of characters `encode` produces for `byteCount` bytes: ⌈8n/6⌉.
    public static func encodedLength(byteCount: Int) -> Int {
        (byteCount * 8 + 5) / 6
    }

    /// `bytes` encoded as base64url without padding.
    public static func encode<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let input = Array(bytes)
        let length = encodedLength(byteCount: input.count)
        return String(unsafeUninitializedCapacity: length) { out in
            var o = 0
            var i = 0
            while i + 3 <= input.count {
                let v = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
                out[o] = alphabet[Int(v >> 18)]
                out[o + 1] = alphabet[Int(v >> 12 & 63)]
                out[o + 2] = alphabet[Int(v >> 6 & 63)]
                out[o + 3] = alphabet[Int(v & 63)]
                i += 3
                o += 4
            }
            switch input.count - i {
            case 1:
                let v = UInt32(input[i]) << 16
                out[o] = alphabet[Int(v >> 18)]
                out[o + 1] = alphabet[Int(v >> 12 & 63)]
                o += 2
            case 2:
                let v = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8
                out[o] = alphabet[Int(v >> 18)]
                out[o + 1] = alphabet[Int(v >> 12 & 63)]
                out[o + 2] = alphabet[Int(v >> 6 & 63)]
                o += 3
            default:
                break
            }
            return o
        }
    }

    /// Decodes unpadded base64url, strictly.
    ///
    /// - Returns: the bytes, or `nil` if `text` holds a character outside the alphabet (padding `=`
    ///   included), has an impossible length (1 mod 4), or is not canonical (non-zero unused bits in
    ///   the last character), so that every byte string has exactly one accepted encoding.
    public static func decode(_ text: String) -> [UInt8]? {
        let input = Array(text.utf8)
        let remainder = input.count % 4
        if remainder == 1 { return nil }
        return BitPacking.decode(input, values: values, bitsPerSymbol: 6)
    }
}
