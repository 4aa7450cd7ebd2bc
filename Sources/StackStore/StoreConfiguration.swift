/// How a ``Store`` runs.
public struct StoreConfiguration: Sendable {
    /// `full` (default): commits are flushed before a write returns; `normal`: crash-safe only.
    public var durability: Durability
    /// Read-only connections, each on a thread of its own.
    public var readerCount: Int
    /// How long a stored idempotent response is replayed (SPEC §2: 24 hours).
    public var idempotencyLifetimeMilliseconds: Int64
    /// A token's `lastUsedAt` is written at most once per this interval.
    public var tokenLastUsedIntervalMilliseconds: Int64

    public init(
        durability: Durability = .full, readerCount: Int = 4,
        idempotencyLifetimeMilliseconds: Int64 = 24 * 3600 * 1000,
        tokenLastUsedIntervalMilliseconds: Int64 = 60 * 1000
    ) {
        self.durability = durability
        self.readerCount = readerCount
        self.idempotencyLifetimeMilliseconds = idempotencyLifetimeMilliseconds
        self.tokenLastUsedIntervalMilliseconds = tokenLastUsedIntervalMilliseconds
    }
}
