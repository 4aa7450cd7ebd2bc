/// SHA-256 as specified by FIPS 180-4, in pure Swift.
///
/// Incremental: feed bytes with `update(_:)` as they arrive, then call `finalize()`. The hasher
/// keeps a partial block inline (no heap allocation while hashing) and compresses whole 64-byte
/// blocks straight from the caller's buffer with fully unrolled rounds.
///
/// ```swift
/// var hasher = SHA256()
/// hasher.update(Array("ab".utf8))
/// hasher.update(Array("c".utf8))
/// hasher.finalizeHex()  // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/// SHA256.hexDigest(of: "abc")  // the same
/// ```
///
/// A value type: copying a hasher forks the computation (hash a common prefix once, finish twice).
public struct SHA256: Sendable {
    /// Length of a digest in bytes (256 bits).
    public static let digestByteCount = 32
    /// Length of a block processed by the compression function, in bytes.
    public static let blockByteCount = 64

    private var state: State
    /// The bytes of an incomplete block, stored inline (8 × 8 = 64 bytes).
    private var pending: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
    /// How many bytes of `pending` are in use (0..<64).
    private var pendingCount: Int
    /// Total message length so far, in bytes.
    private var messageLength: UInt64

    /// A hasher for a new, empty message.
    public init() {
        state = State()
        pending = (0, 0, 0, 0, 0, 0, 0, 0)
        pendingCount = 0
        messageLength = 0
    }

    // MARK: - Feeding bytes

    /// Appends the bytes of `buffer` to the message.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard var base = buffer.baseAddress, buffer.count > 0 else { return }
        var remaining = buffer.count
        messageLength &+= UInt64(remaining)

        // Complete a pending partial block first.
        if pendingCount > 0 {
            let take = min(Self.blockByteCount - pendingCount, remaining)
            let filled = pendingCount
            withUnsafeMutableBytes(of: &pending) { block in
                (block.baseAddress! + filled).copyMemory(from: base, byteCount: take)
            }
            pendingCount += take
            base += take
            remaining -= take
            guard pendingCount == Self.blockByteCount else { return }
            let copy = pending
            withUnsafeBytes(of: copy) { block in
                state.compress(blocks: block.baseAddress!, count: 1)
            }
            pendingCount = 0
        }

        // Whole blocks straight from the caller's memory.
        let wholeBlocks = remaining / Self.blockByteCount
        if wholeBlocks > 0 {
            state.compress(blocks: base, count: wholeBlocks)
            base += wholeBlocks * Self.blockByteCount
            remaining -= wholeBlocks * Self.blockByteCount
        }

        // Keep the tail for later.
        if remaining > 0 {
            withUnsafeMutableBytes(of: &pending) { block in
                block.baseAddress!.copyMemory(from: base, byteCount: remaining)
            }
            pendingCount = remaining
        }
    }

    /// Appends `bytes` to the message (an `Array`, `ArraySlice`, `String.UTF8View`, `Data`…).
    ///
    /// Contiguous collections are hashed in place; other sequences are copied through a small
    /// stack buffer.
    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let done: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            update(UnsafeRawBufferPointer(buffer))
        }
        if done != nil { return }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1024) { chunk in
            var count = 0
            for byte in bytes {
                chunk[count] = byte
                count += 1
                if count == chunk.count {
                    update(UnsafeRawBufferPointer(chunk))
                    count = 0
                }
            }
            if count > 0 { update(UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: chunk[0..<count]))) }
        }
    }

    /// Appends the UTF-8 encoding of `string` to the message.
    public mutating func update(_ string: String) {
        var string = string
        string.withUTF8 { update(UnsafeRawBufferPointer($0)) }
    }

    // MARK: - Finishing

    /// The 32-byte digest of everything fed so far.
    ///
    /// Does not change the hasher: more bytes may be added afterwards for a longer message.
    public func finalize() -> [UInt8] {
        var copy = self
        // FIPS 180-4 §5.1.1: append 0x80, zeros up to 56 mod 64, then the bit length big-endian.
        let bitLength = messageLength &* 8
        let padLength = (pendingCount < 56 ? 56 : 120) - pendingCount
        var tail = [UInt8](repeating: 0, count: padLength + 8)
        tail[0] = 0x80
        for i in 0..<8 {
            tail[padLength + i] = UInt8(truncatingIfNeeded: bitLength >> (56 - 8 * UInt64(i)))
        }
        tail.withUnsafeBytes { copy.update($0) }
        precondition(copy.pendingCount == 0)
        return copy.state.digest()
    }

    /// The digest of everything fed so far as 64 lowercase hexadecimal characters.
    public func finalizeHex() -> String {
        Self.hex(finalize())
    }

    // MARK: - One-shot

    /// The digest of `bytes`.
    public static func digest<Bytes: Sequence>(of bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The digest of `buffer`.
    public static func digest(of buffer: UnsafeRawBufferPointer) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(buffer)
        return hasher.finalize()
    }

    /// The digest of the UTF-8 encoding of `string`.
    public static func digest(of string: String) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(string)
        return hasher.finalize()
    }

    /// The digest of `bytes` as 64 lowercase hexadecimal characters.
    public static func hexDigest<Bytes: Sequence>(of bytes: Bytes) -> String where Bytes.Element == UInt8 {
        hex(digest(of: bytes))
    }

    /// The digest of the UTF-8 encoding of `string` as 64 lowercase hexadecimal characters.
    public static func hexDigest(of string: String) -> String {
        hex(digest(of: string))
    }

    /// `bytes` as lowercase hexadecimal, two characters per byte.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: bytes.count * 2) { out in
            digits.withUTF8Buffer { table in
                for (i, byte) in bytes.enumerated() {
                    out[2 * i] = table[Int(byte >> 4)]
                    out[2 * i + 1] = table[Int(byte & 0x0f)]
                }
            }
            return bytes.count * 2
        }
    }

    /// Whether `text` has the shape of a hex SHA-256 digest: exactly 64 characters `0-9a-f`.
    public static func isHexDigest(_ text: String) -> Bool {
        var count = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"): count += 1
            default: return false
            }
        }
        return count == 64
    }
}
