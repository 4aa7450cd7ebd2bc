/// When a committed write is acknowledged (SPEC §6).
public enum Durability: String, Sendable, Hashable {
    /// `synchronous=FULL`: the commit is flushed to disk before the write returns; survives power loss.
    case full
    /// `synchronous=NORMAL`: survives a crash of the process (`kill -9`) but maybe not a power loss.
    case normal
}

/// How the pool opens its connections.
package struct DatabaseConfiguration: Sendable {
    package var durability: Durability = .full
    /// Read-only connections, each on a thread of its own.
    package var readerCount: Int = 4
    /// How long a connection waits for a lock before failing with SQLITE_BUSY.
    package var busyTimeoutMilliseconds: Int32 = 5000
    /// The most writes committed together in one transaction.
    package var maxBatchSize: Int = 512
    /// How often the background checkpointer copies the WAL into the database file, in seconds.
    package var checkpointInterval: Double = 0.05
    /// Deferred upkeep the writer runs inside a transaction at most every `upkeepInterval`
    /// seconds after writes (first in a write batch's transaction, or in a transaction of its
    /// own once writes stop), once at open and once at close. The store expires idempotency
    /// records with it. A throw undoes only the upkeep's own changes, and it is tried again
    /// after the interval: a broken upkeep never fails writes nor the opening of the database.
    package var upkeep: (@Sendable (Database) throws -> Void)?
    /// See ``upkeep``.
    package var upkeepInterval: Double = 0.1

    /// Other database files the readers attach (`ATTACH DATABASE path AS schema`); each must
    /// exist before the pool opens.
    package var readerAttachments: [(schema: String, path: String)] = []

    package init(durability: Durability = .full, readerCount: Int = 4) {
        self.durability = durability
        self.readerCount = readerCount
    }
}
