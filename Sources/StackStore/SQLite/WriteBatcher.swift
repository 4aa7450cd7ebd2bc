import CSQLite
import Foundation

/// One write waiting for the writer thread.
final class WriteJob: @unchecked Sendable {  // created by a caller, then run and completed only on the writer thread
    enum Kind {
        /// Runs inside the shared batch transaction, in a savepoint of its own.
        case batched
        /// Runs alone, outside any transaction the writer opens (VACUUM, checkpoints, scripts).
        case exclusive
        /// Ends the writer thread after the jobs before it.
        case close
    }

    let kind: Kind
    private let body: (Database) throws -> Void
    private let completion: ((any Error)?) -> Void

    init(kind: Kind, body: @escaping (Database) throws -> Void, completion: @escaping ((any Error)?) -> Void) {
        self.kind = kind
        self.body = body
        self.completion = completion
    }

    func run(_ db: Database) throws { try body(db) }
    func complete(_ error: (any Error)?) { completion(error) }
}

/// Group commit (the StackStore issue, item 2): the writer drains every pending write, opens one
/// `BEGIN IMMEDIATE`, runs the writes, commits once, then resumes the waiters. A write that throws
/// gets its own error and leaves nothing behind; the others commit (see ``runBatch(_:on:)`` for
/// how, without a savepoint per write). While one COMMIT is being flushed, new writes queue up
/// for the next batch.
///
/// It also runs the pool's deferred upkeep (``DatabaseConfiguration/upkeep``): once writes have
/// been committed and `upkeepInterval` has passed since the last run, first in the next batch's
/// transaction (so it adds no commit of its own), or alone when the writer is idle by then. Being
/// first, it needs no savepoint (whose sub-journal would copy every page it touches): if it
/// throws, the transaction holds nothing else yet, so it is rolled back and begun again for the
/// writes, and the upkeep is tried again after the interval. Waiters are resumed by the ``Acknowledger`` (after the WAL is
/// flushed, with durability `full`). Used on the writer thread only.
struct WriteBatcher {
    let upkeep: ((Database) throws -> Void)?
    let upkeepInterval: Double
    let acknowledger: Acknowledger
    /// Writes were committed since the upkeep last ran.
    private var upkeepOwed = false
    private var lastUpkeep = Date()

    init(upkeep: ((Database) throws -> Void)?, upkeepInterval: Double, acknowledger: Acknowledger) {
        self.upkeep = upkeep
        self.upkeepInterval = upkeepInterval
        self.acknowledger = acknowledger
    }

    /// When the writer should stop waiting for writes and run the upkeep; `nil` when none is owed.
    var upkeepDeadline: Date? {
        upkeep != nil && upkeepOwed ? lastUpkeep.addingTimeInterval(upkeepInterval) : nil
    }

    /// Notes a write committed outside ``runBatch(_:on:)`` (an exclusive job).
    mutating func noteWrite() { upkeepOwed = true }

    /// Runs the owed upkeep in a transaction of its own. A failure is left for the next try.
    mutating func runUpkeepAlone(on db: Database) {
        guard let upkeep, upkeepOwed else { return }
        lastUpkeep = Date()
        do {
            try db.inTransaction(.immediate) { db in try upkeep(db) }
            upkeepOwed = false
        } catch {
            // Retried after the next interval; the work it owes stays recorded in the database.
        }
    }

    /// Runs `jobs` in one transaction. Before committing, the writes that `more` hands over
    /// (those queued meanwhile) join the same transaction, as long as some keep coming: a write
    /// that arrives while a batch runs then shares its commit instead of waiting for the next.
    mutating func runBatch(_ jobs: [WriteJob], on db: Database, more: () -> [WriteJob] = { [] }) {
        var succeeded: [WriteJob] = []
        var failed: [(WriteJob, any Error)] = []
        // Each write runs bare, without a savepoint of its own: a savepoint copies every page the
        // write touches into a sub-journal, a tenth of the writer's time. SQLite undoes a failed
        // statement by itself; a write that fails before changing anything (most failures:
        // checks, lookups) then needs no undo. Should one fail after changing rows or the schema,
        // the transaction is rolled back and the writes it held so far run again, each in a
        // savepoint (`isolated`), and so does the rest of the batch.
        var queue = jobs[...]
        var isolated = false
        while !queue.isEmpty {
            var upkeepRan = false
            do {
                try db.execute("BEGIN IMMEDIATE")
                if let upkeep, upkeepOwed, Date() >= lastUpkeep.addingTimeInterval(upkeepInterval) {
                    lastUpkeep = Date()
                    do {
                        try upkeep(db)
                        upkeepRan = true
                    } catch {
                        // Owed until it succeeds (its work stays noted in the database).
                        db.rollbackQuietly()
                        try db.execute("BEGIN IMMEDIATE")
                    }
                }
            } catch {
                for job in queue { failed.append((job, error)) }
                break
            }
            var open: [WriteJob] = []
            var restart = false
            while true {
                if queue.isEmpty { queue = more()[...] }
                guard let job = queue.first else { break }
                queue.removeFirst()
                let changes = db.totalChanges
                let schemaChanges = db.schemaChangeCount
                do {
                    if isolated {
                        try db.inSavepoint { db in try job.run(db) }
                    } else {
                        try job.run(db)
                    }
                    open.append(job)
                } catch {
                    failed.append((job, error))
                    if !db.isInsideTransaction {
                        // SQLite aborted the whole transaction (disk full, I/O error): the earlier
                        // writes of this batch are lost too, so they fail with the same error.
                        for job in open { failed.append((job, error)) }
                        open.removeAll()
                        break
                    }
                    if !isolated && (db.totalChanges != changes || db.schemaChangeCount != schemaChanges) {
                        db.rollbackQuietly()  // the upkeep's work too: it stays owed
                        queue = open[...] + queue
                        open.removeAll()
                        isolated = true
                        restart = true
                        break
                    }
                }
            }
            guard !restart, db.isInsideTransaction else { continue }
            do {
                try db.execute("COMMIT")
                if upkeepRan { upkeepOwed = false }
                // The upkeep ran before these writes: they are owed to the next one.
                if !open.isEmpty { upkeepOwed = true }
                succeeded.append(contentsOf: open)
            } catch {
                db.rollbackQuietly()
                for job in open { failed.append((job, error)) }
            }
        }
        acknowledger.acknowledge(Acknowledger.Batch(succeeded: succeeded, failed: failed))
    }
}
