// MARK: - Compression function

extension SHA256 {
    /// The eight working hash words H0…H7 (FIPS 180-4 §5.3.3 initial values).
    struct State: Sendable {
        var h0: UInt32 = 0x6a09e667
        var h1: UInt32 = 0xbb67ae85
        var h2: UInt32 = 0x3c6ef372
        var h3: UInt32 = 0xa54ff53a
        var h4: UInt32 = 0x510e527f
        var h5: UInt32 = 0x9b05688c
        var h6: UInt32 = 0x1f83d9ab
        var h7: UInt32 = 0x5be0cd19

        func digest() -> [UInt8] {
            var out = [UInt8](repeating: 0, count: SHA256.digestByteCount)
            for (i, word) in [h0, h1, h2, h3, h4, h5, h6, h7].enumerated() {
                out[4 * i] = UInt8(truncatingIfNeeded: word >> 24)
                out[4 * i + 1] = UInt8(truncatingIfNeeded: word >> 16)
                out[4 * i + 2] = UInt8(truncatingIfNeeded: word >> 8)
                out[4 * i + 3] = UInt8(truncatingIfNeeded: word)
            }
            return out
        }

        /// Processes `count` consecutive 64-byte blocks starting at `blocks` (FIPS 180-4 §6.2.2).
        ///
        /// The message schedule is kept in a rolling window of 16 locals and the 64 rounds are
        /// written out, so the whole block stays in registers.
        mutating func compress(blocks: UnsafeRawPointer, count: Int) {
            var pointer = blocks
            for _ in 0..<count {
                var w0 = load(pointer, 0), w1 = load(pointer, 1), w2 = load(pointer, 2), w3 = load(pointer, 3)
                var w4 = load(pointer, 4), w5 = load(pointer, 5), w6 = load(pointer, 6), w7 = load(pointer, 7)
                var w8 = load(pointer, 8), w9 = load(pointer, 9), w10 = load(pointer, 10)
                var w11 = load(pointer, 11), w12 = load(pointer, 12), w13 = load(pointer, 13)
                var w14 = load(pointer, 14), w15 = load(pointer, 15)
                var a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7

                compressionRound(a, b, c, &d, e, f, g, &h, 0x428a2f98 &+ w0)
                compressionRound(h, a, b, &c, d, e, f, &g, 0x71374491 &+ w1)
                compressionRound(g, h, a, &b, c, d, e, &f, 0xb5c0fbcf &+ w2)
                compressionRound(f, g, h, &a, b, c, d, &e, 0xe9b5dba5 &+ w3)
                compressionRound(e, f, g, &h, a, b, c, &d, 0x3956c25b &+ w4)
                compressionRound(d, e, f, &g, h, a, b, &c, 0x59f111f1 &+ w5)
                compressionRound(c, d, e, &f, g, h, a, &b, 0x923f82a4 &+ w6)
                compressionRound(b, c, d, &e, f, g, h, &a, 0xab1c5ed5 &+ w7)
                compressionRound(a, b, c, &d, e, f, g, &h, 0xd807aa98 &+ w8)
                compressionRound(h, a, b, &c, d, e, f, &g, 0x12835b01 &+ w9)
                compressionRound(g, h, a, &b, c, d, e, &f, 0x243185be &+ w10)
                compressionRound(f, g, h, &a, b, c, d, &e, 0x550c7dc3 &+ w11)
                compressionRound(e, f, g, &h, a, b, c, &d, 0x72be5d74 &+ w12)
                compressionRound(d, e, f, &g, h, a, b, &c, 0x80deb1fe &+ w13)
                compressionRound(c, d, e, &f, g, h, a, &b, 0x9bdc06a7 &+ w14)
                compressionRound(b, c, d, &e, f, g, h, &a, 0xc19bf174 &+ w15)
                w0 = schedule(w0, w1, w9, w14)
                compressionRound(a, b, c, &d, e, f, g, &h, 0xe49b69c1 &+ w0)
                w1 = schedule(w1, w2, w10, w15)
                compressionRound(h, a, b, &c, d, e, f, &g, 0xefbe4786 &+ w1)
                w2 = schedule(w2, w3, w11, w0)
                compressionRound(g, h, a, &b, c, d, e, &f, 0x0fc19dc6 &+ w2)
                w3 = schedule(w3, w4, w12, w1)
                compressionRound(f, g, h, &a, b, c, d, &e, 0x240ca1cc &+ w3)
                w4 = schedule(w4, w5, w13, w2)
                compressionRound(e, f, g, &h, a, b, c, &d, 0x2de92c6f &+ w4)
                w5 = schedule(w5, w6, w14, w3)
                compressionRound(d, e, f, &g, h, a, b, &c, 0x4a7484aa &+ w5)
                w6 = schedule(w6, w7, w15, w4)
                compressionRound(c, d, e, &f, g, h, a, &b, 0x5cb0a9dc &+ w6)
                w7 = schedule(w7, w8, w0, w5)
                compressionRound(b, c, d, &e, f, g, h, &a, 0x76f988da &+ w7)
                w8 = schedule(w8, w9, w1, w6)
                compressionRound(a, b, c, &d, e, f, g, &h, 0x983e5152 &+ w8)
                w9 = schedule(w9, w10, w2, w7)
                compressionRound(h, a, b, &c, d, e, f, &g, 0xa831c66d &+ w9)
                w10 = schedule(w10, w11, w3, w8)
                compressionRound(g, h, a, &b, c, d, e, &f, 0xb00327c8 &+ w10)
                w11 = schedule(w11, w12, w4, w9)
                compressionRound(f, g, h, &a, b, c, d, &e, 0xbf597fc7 &+ w11)
                w12 = schedule(w12, w13, w5, w10)
                compressionRound(e, f, g, &h, a, b, c, &d, 0xc6e00bf3 &+ w12)
                w13 = schedule(w13, w14, w6, w11)
                compressionRound(d, e, f, &g, h, a, b, &c, 0xd5a79147 &+ w13)
                w14 = schedule(w14, w15, w7, w12)
                compressionRound(c, d, e, &f, g, h, a, &b, 0x06ca6351 &+ w14)
                w15 = schedule(w15, w0, w8, w13)
                compressionRound(b, c, d, &e, f, g, h, &a, 0x14292967 &+ w15)
                w0 = schedule(w0, w1, w9, w14)
                compressionRound(a, b, c, &d, e, f, g, &h, 0x27b70a85 &+ w0)
                w1 = schedule(w1, w2, w10, w15)
                compressionRound(h, a, b, &c, d, e, f, &g, 0x2e1b2138 &+ w1)
                w2 = schedule(w2, w3, w11, w0)
                compressionRound(g, h, a, &b, c, d, e, &f, 0x4d2c6dfc &+ w2)
                w3 = schedule(w3, w4, w12, w1)
                compressionRound(f, g, h, &a, b, c, d, &e, 0x53380d13 &+ w3)
                w4 = schedule(w4, w5, w13, w2)
                compressionRound(e, f, g, &h, a, b, c, &d, 0x650a7354 &+ w4)
                w5 = schedule(w5, w6, w14, w3)
                compressionRound(d, e, f, &g, h, a, b, &c, 0x766a0abb &+ w5)
                w6 = schedule(w6, w7, w15, w4)
                compressionRound(c, d, e, &f, g, h, a, &b, 0x81c2c92e &+ w6)
                w7 = schedule(w7, w8, w0, w5)
                compressionRound(b, c, d, &e, f, g, h, &a, 0x92722c85 &+ w7)
                w8 = schedule(w8, w9, w1, w6)
                compressionRound(a, b, c, &d, e, f, g, &h, 0xa2bfe8a1 &+ w8)
                w9 = schedule(w9, w10, w2, w7)
                compressionRound(h, a, b, &c, d, e, f, &g, 0xa81a664b &+ w9)
                w10 = schedule(w10, w11, w3, w8)
                compressionRound(g, h, a, &b, c, d, e, &f, 0xc24b8b70 &+ w10)
                w11 = schedule(w11, w12, w4, w9)
                compressionRound(f, g, h, &a, b, c, d, &e, 0xc76c51a3 &+ w11)
                w12 = schedule(w12, w13, w5, w10)
                compressionRound(e, f, g, &h, a, b, c, &d, 0xd192e819 &+ w12)
                w13 = schedule(w13, w14, w6, w11)
                compressionRound(d, e, f, &g, h, a, b, &c, 0xd6990624 &+ w13)
                w14 = schedule(w14, w15, w7, w12)
                compressionRound(c, d, e, &f, g, h, a, &b, 0xf40e3585 &+ w14)
                w15 = schedule(w15, w0, w8, w13)
                compressionRound(b, c, d, &e, f, g, h, &a, 0x106aa070 &+ w15)
                w0 = schedule(w0, w1, w9, w14)
                compressionRound(a, b, c, &d, e, f, g, &h, 0x19a4c116 &+ w0)
                w1 = schedule(w1, w2, w10, w15)
                compressionRound(h, a, b, &c, d, e, f, &g, 0x1e376c08 &+ w1)
                w2 = schedule(w2, w3, w11, w0)
                compressionRound(g, h, a, &b, c, d, e, &f, 0x2748774c &+ w2)
                w3 = schedule(w3, w4, w12, w1)
                compressionRound(f, g, h, &a, b, c, d, &e, 0x34b0bcb5 &+ w3)
                w4 = schedule(w4, w5, w13, w2)
                compressionRound(e, f, g, &h, a, b, c, &d, 0x391c0cb3 &+ w4)
                w5 = schedule(w5, w6, w14, w3)
                compressionRound(d, e, f, &g, h, a, b, &c, 0x4ed8aa4a &+ w5)
                w6 = schedule(w6, w7, w15, w4)
                compressionRound(c, d, e, &f, g, h, a, &b, 0x5b9cca4f &+ w6)
                w7 = schedule(w7, w8, w0, w5)
                compressionRound(b, c, d, &e, f, g, h, &a, 0x682e6ff3 &+ w7)
                w8 = schedule(w8, w9, w1, w6)
                compressionRound(a, b, c, &d, e, f, g, &h, 0x748f82ee &+ w8)
                w9 = schedule(w9, w10, w2, w7)
                compressionRound(h, a, b, &c, d, e, f, &g, 0x78a5636f &+ w9)
                w10 = schedule(w10, w11, w3, w8)
                compressionRound(g, h, a, &b, c, d, e, &f, 0x84c87814 &+ w10)
                w11 = schedule(w11, w12, w4, w9)
                compressionRound(f, g, h, &a, b, c, d, &e, 0x8cc70208 &+ w11)
                w12 = schedule(w12, w13, w5, w10)
                compressionRound(e, f, g, &h, a, b, c, &d, 0x90befffa &+ w12)
                w13 = schedule(w13, w14, w6, w11)
                compressionRound(d, e, f, &g, h, a, b, &c, 0xa4506ceb &+ w13)
                w14 = schedule(w14, w15, w7, w12)
                compressionRound(c, d, e, &f, g, h, a, &b, 0xbef9a3f7 &+ w14)
                w15 = schedule(w15, w0, w8, w13)
                compressionRound(b, c, d, &e, f, g, h, &a, 0xc67178f2 &+ w15)

                h0 &+= a
                h1 &+= b
                h2 &+= c
                h3 &+= d
                h4 &+= e
                h5 &+= f
                h6 &+= g
                h7 &+= h
                pointer += SHA256.blockByteCount
            }
        }
    }
}

/// Big-endian 32-bit word `index` of the block at `pointer` (any alignment).
@inline(__always)
private func load(_ pointer: UnsafeRawPointer, _ index: Int) -> UInt32 {
    UInt32(bigEndian: pointer.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self))
}

/// One round of FIPS 180-4 §6.2.2 step 3, with the roles of the eight working variables rotated by
/// the caller instead of moving values: only `d` and `h` change (d += T1, h = T1 + T2).
@inline(__always)
private func compressionRound(
    _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32,
    _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32,
    _ kPlusW: UInt32
) {
    let sigma1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
    let choose = (e & f) ^ (~e & g)
    let t1 = h &+ sigma1 &+ choose &+ kPlusW
    let sigma0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
    let majority = (a & b) ^ (a & c) ^ (b & c)
    d &+= t1
    h = t1 &+ sigma0 &+ majority
}

/// Message schedule step (FIPS 180-4 §6.2.2 step 1) over a 16-word window:
/// W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16].
@inline(__always)
private func schedule(_ w16: UInt32, _ w15: UInt32, _ w7: UInt32, _ w2: UInt32) -> UInt32 {
    let s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >> 3)
    let s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >> 10)
    return w16 &+ s0 &+ w7 &+ s1
}

@inline(__always)
private func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 {
    (x >> n) | (x << (32 - n))
}
