import CSQLite

/// The settings SQLite takes for the whole process, made once before its first connection
/// (`sqlite3_config` refuses them afterwards).
///
/// - Memory statistics off (`SQLITE_CONFIG_MEMSTATUS`). With them on, every allocation and free
///   of every connection takes one process-wide mutex to count bytes; Debian's build has no
///   lookaside allocator, so a create makes dozens of them, and the writer, the indexer and the
///   readers queued on that mutex (3 % of the writer's time in futex waits on creates). Stack
///   reads no memory statistics and sets no heap limit, the two things they serve.
/// - The page cache of ``PageCacheTruncation``.
///
/// Each setting that SQLite refuses (another library of the process opened a database first)
/// leaves SQLite's default, which is slower but as correct.
enum SQLiteProcess {
    /// Whether SQLite took the settings (evaluated once, before ``Database`` opens anything).
    static let isConfigured: Bool = configure()

    private static func configure() -> Bool {
        let memoryStatisticsOff = stack_sqlite3_config_memstatus(0) == SQLITE_OK
        let pageCache = PageCacheTruncation.install()
        return memoryStatisticsOff && pageCache
    }
}
