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

    /// The string for the escape-free, already validated key at `start..<start+length`: the
    /// remembered one when the same bytes were seen before (objects in an array usually repeat
    /// their keys), else a new one, remembered in the slot its fingerprint selects.
    @inline(__always) func cachedKey(
        _ cache: UnsafeMutablePointer<KeyCacheEntry>, start: Int, length: Int, fingerprint: UInt64
    ) -> String {
        let slot = cache + Int(truncatingIfNeeded: fingerprint >> 56) & (JSONReader.keyCacheSize - 1)
        if slot.pointee.fingerprint == fingerprint && slot.pointee.length == length
            && JSONReader.bytesEqual(bytes + slot.pointee.offset, bytes + start, length)
        {
            return slot.pointee.string
        }
        let string = String(decoding: UnsafeBufferPointer(start: bytes + start, count: length), as: UTF8.self)
        slot.pointee = KeyCacheEntry(fingerprint: fingerprint, offset: start, length: length, string: string)
        return string
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
