/// One remembered key: where its escape-free bytes are in the input, and the decoded string.
struct KeyCacheEntry {
    var fingerprint: UInt64 = 0
    var offset = 0
    var length = -1
    var string = ""
}

extension JSONReader {
    /// Slots in the key cache (a power of two).
    static let keyCacheSize = 256
    /// Inputs shorter than this parse without a key cache (setting one up would cost more).
    static let keyCacheMinimumInput = 4096

    static func makeKeyCache() -> UnsafeMutablePointer<KeyCacheEntry> {
        let cache = UnsafeMutablePointer<KeyCacheEntry>.allocate(capacity: keyCacheSize)
        cache.initialize(repeating: KeyCacheEntry(), count: keyCacheSize)
        return cache
    }

    static func releaseKeyCache(_ cache: UnsafeMutablePointer<KeyCacheEntry>) {
        cache.deinitialize(count: keyCacheSize)
        cache.deallocate()
    }

    /// The string for the escape-free ASCII key at `start..<start+length`: the remembered one
    /// when the same bytes were seen before (objects in an array usually repeat their keys), else
    /// a new one, remembered. The cache is 4-way set-associative, most recently added first, so
    /// a few keys whose fingerprints select the same set do not evict each other on every object.
    @inline(__always) func cachedKey(
        _ cache: UnsafeMutablePointer<KeyCacheEntry>, start: Int, length: Int, fingerprint: UInt64
    ) -> String {
        let mixed = fingerprint &* 0x9E37_79B9_7F4A_7C15
        let set = cache + Int(truncatingIfNeeded: mixed >> 56) & (JSONReader.keyCacheSize - 4)
        for way in 0..<4 where matches(set + way, start: start, length: length, fingerprint: fingerprint) {
            return set[way].string
        }
        let string = JSONReader.makeString(UnsafeBufferPointer(start: bytes + start, count: length))
        // Evict the oldest: shift the set down one place and put the new key first.
        set[3] = set[2]
        set[2] = set[1]
        set[1] = set[0]
        set[0] = KeyCacheEntry(fingerprint: fingerprint, offset: start, length: length, string: string)
        return string
    }

    /// Whether a slot holds the key with these bytes. A short key's fingerprint is its bytes (see
    /// `fingerprint`); only longer keys need a byte compare.
    @inline(__always) func matches(
        _ slot: UnsafeMutablePointer<KeyCacheEntry>, start: Int, length: Int, fingerprint: UInt64
    ) -> Bool {
        slot.pointee.fingerprint == fingerprint && slot.pointee.length == length
            && (length < 8 || JSONReader.bytesEqual(bytes + slot.pointee.offset, bytes + start, length))
    }

    @inline(__always) static func bytesEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var i = 0
        while i + 8 <= n {
            if UnsafeRawPointer(a + i).loadUnaligned(as: UInt64.self) != UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self) {
                return false
            }
            i += 8
        }
        while i < n {
            if a[i] != b[i] { return false }
            i += 1
        }
        return true
    }
}
