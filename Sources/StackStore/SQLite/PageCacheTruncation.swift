import CSQLite

/// SQLite's default page cache, with one walk taken out of every commit.
///
/// At the end of each transaction the pager drops the cached pages beyond the end of the
/// database (`pcache1Truncate`). The default cache decides how much to look at from the largest
/// page number it has seen since the last such call, and when a B-tree rebalance has reordered
/// pages it has seen a large one: `balance_nonroot` swaps two pages' numbers through the number
/// of the lock page (page 262,145 for 4 KiB pages), which no page keeps. The cache then walks
/// its whole hash table, every page header of a writer's cache, at the commit: on random
/// updates of a million-record stack that was 8 % of the writer's time, and a bigger cache made
/// it longer.
///
/// This wrapper forwards every call to the default cache and keeps, for each cache, the largest
/// page number a page may still have, leaving the lock page's number out while a swap passes
/// through it. A truncation with nothing at or beyond its limit is skipped: the default cache
/// holds no page there, so there is nothing to drop. Any other truncation is forwarded as is.
/// The pages, their memory and their recycling stay the default cache's own.
///
/// SQLite accepts a page cache only before its first connection (`sqlite3_config`), so
/// ``SQLiteProcess`` calls ``install()`` once, before ``Database`` opens anything. If SQLite was
/// already initialized by other code in the process, the default cache stays in place, and only
/// the walk comes back.
enum PageCacheTruncation {
    /// The default cache's methods, read once before the wrapper replaces them.
    nonisolated(unsafe) private static var base = sqlite3_pcache_methods2()

    /// What the wrapper keeps for one cache: the default cache's methods (a copy, so that a call
    /// reads no global) and own handle, the largest page number one of its pages may have, and
    /// the pages parked on the lock page's number.
    private struct Tracked {
        var base: sqlite3_pcache_methods2
        var inner: OpaquePointer
        var largestKey: UInt32
        var lockPageKey: UInt32
        var parkedOnLockPage: Int
    }

    private static func tracked(_ cache: OpaquePointer?) -> UnsafeMutablePointer<Tracked> {
        UnsafeMutableRawPointer(cache!).assumingMemoryBound(to: Tracked.self)
    }

    /// Puts the wrapper in place; `false` if SQLite refused (already initialized).
    static func install() -> Bool {
        guard stack_sqlite3_config_getpcache2(&base) == SQLITE_OK, base.xCreate != nil, base.xTruncate != nil,
            base.xFetch != nil, base.xRekey != nil, base.xDestroy != nil
        else { return false }
        var methods = base
        methods.xCreate = { pageSize, extraSize, purgeable in
            guard let inner = PageCacheTruncation.base.xCreate!(pageSize, extraSize, purgeable) else { return nil }
            let state = UnsafeMutablePointer<Tracked>.allocate(capacity: 1)
            // SQLite's lock page: PENDING_BYTE (1 GiB) / page size + 1 (`PAGER_SJ_PGNO`).
            let lockPage = UInt32(0x4000_0000 / Int(max(pageSize, 512))) + 1
            state.initialize(
                to: Tracked(base: PageCacheTruncation.base, inner: inner, largestKey: 0, lockPageKey: lockPage, parkedOnLockPage: 0))
            return OpaquePointer(state)
        }
        methods.xCachesize = { cache, size in
            let state = PageCacheTruncation.tracked(cache)
            state.pointee.base.xCachesize?(state.pointee.inner, size)
        }
        methods.xPagecount = { cache in
            let state = PageCacheTruncation.tracked(cache)
            return state.pointee.base.xPagecount?(state.pointee.inner) ?? 0
        }
        methods.xFetch = { cache, key, create in
            let state = PageCacheTruncation.tracked(cache)
            let page = state.pointee.base.xFetch!(state.pointee.inner, key, create)
            if page != nil, key > state.pointee.largestKey { state.pointee.largestKey = key }
            return page
        }
        methods.xUnpin = { cache, page, discard in
            let state = PageCacheTruncation.tracked(cache)
            state.pointee.base.xUnpin?(state.pointee.inner, page, discard)
        }
        methods.xRekey = { cache, page, oldKey, newKey in
            let state = PageCacheTruncation.tracked(cache)
            state.pointee.base.xRekey!(state.pointee.inner, page, oldKey, newKey)
            if oldKey == state.pointee.lockPageKey, state.pointee.parkedOnLockPage > 0 {
                state.pointee.parkedOnLockPage -= 1
            }
            if newKey == state.pointee.lockPageKey {
                state.pointee.parkedOnLockPage += 1
            } else if newKey > state.pointee.largestKey {
                state.pointee.largestKey = newKey
            }
        }
        methods.xTruncate = { cache, limit in
            let state = PageCacheTruncation.tracked(cache)
            let lockPageAbove = state.pointee.parkedOnLockPage > 0 && state.pointee.lockPageKey >= limit
            guard state.pointee.largestKey >= limit || lockPageAbove else { return }
            state.pointee.base.xTruncate!(state.pointee.inner, limit)
            if state.pointee.lockPageKey >= limit { state.pointee.parkedOnLockPage = 0 }
            if limit > 0 { state.pointee.largestKey = min(state.pointee.largestKey, limit - 1) }
        }
        methods.xDestroy = { cache in
            let state = PageCacheTruncation.tracked(cache)
            state.pointee.base.xDestroy!(state.pointee.inner)
            state.deinitialize(count: 1)
            state.deallocate()
        }
        methods.xShrink = { cache in
            let state = PageCacheTruncation.tracked(cache)
            state.pointee.base.xShrink?(state.pointee.inner)
        }
        return stack_sqlite3_config_pcache2(&methods) == SQLITE_OK
    }
}
