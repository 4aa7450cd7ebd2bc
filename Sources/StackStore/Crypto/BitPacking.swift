/// The bit-accumulating decoder shared by ``Base64URL`` and ``Base32Crockford``.
enum BitPacking {
    /// Decodes `input`, each byte mapped through `values` (0xff: not in the alphabet) to a symbol of
    /// `bitsPerSymbol` bits, packing the bits into bytes. Returns `nil` for a character outside the
    /// alphabet or non-zero leftover bits (RFC 4648 §3.5: one canonical spelling per byte string).
    static func decode(_ input: [UInt8], values: [UInt8], bitsPerSymbol: Int) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(input.count * bitsPerSymbol / 8)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in input {
            let value = values[Int(byte)]
            if value == 0xff { return nil }
            accumulator = accumulator << UInt32(bitsPerSymbol) | UInt32(value)
            bits += bitsPerSymbol
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        return accumulator == 0 ? output : nil
    }
}
