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
/// `BEGIN IMMEDIATE`, runs each write in a `SAVEPOINT` of its own, commits once, then resumes the
/// waiters. A write that throws is rolled back to its savepoint and gets its own error; the others
/// commit. While one COMMIT is being flushed, new writes queue up for the next batch.
///
/// It also runs the pool's deferred upkeep (``DatabaseConfiguration/upkeep``): once writes have
/// been committed and `upkeepInterval` has passed since the last run, inside the next batch's
/// transaction after the last savepoint (so it adds no commit of its own), or alone when the writer
/// is idle by then. If the upkeep throws, that batch's transaction is rolled back and each of its
/// writes fails with the error. Used on the writer thread only.
struct WriteBatcher {
    let upkeep: ((Database) throws -> Void)?
    let upkeepInterval: Double
    /// Writes were committed since the upkeep last ran.
    private var upkeepOwed = false
    private var lastUpkeep = Date()

    init(upkeep: ((Database) throws -> Void)?, upkeepInterval: Double) {
        self.upkeep = upkeep
        self.upkeepInterval = upkeepInterval
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

    mutating func runBatch(_ jobs: [WriteJob], on db: Database) {
        var succeeded: [WriteJob] = []
        var failed: [(WriteJob, any Error)] = []
        var index = 0
        while index < jobs.count {
            do {
                try db.execute("BEGIN IMMEDIATE")
            } catch {
                for job in jobs[index...] { failed.append((job, error)) }
                break
            }
            var open: [WriteJob] = []
            while index < jobs.count {
                let job = jobs[index]
                index += 1
                do {
                    try db.inSavepoint { db in try job.run(db) }
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
                }
            }
            guard db.isInsideTransaction else { continue }
            do {
                let upkeepDue = upkeep != nil && (upkeepOwed || !open.isEmpty) && Date() >= lastUpkeep.addingTimeInterval(upkeepInterval)
                if upkeepDue {
                    lastUpkeep = Date()
                    try upkeep?(db)
                }
                try db.execute("COMMIT")
                if upkeepDue {
                    upkeepOwed = false
                } else if !open.isEmpty {
                    upkeepOwed = true
                }
                succeeded.append(contentsOf: open)
            } catch {
                db.rollbackQuietly()
                for job in open { failed.append((job, error)) }
            }
        }
        guard !succeeded.isEmpty || !failed.isEmpty else { return }
        // Resuming a waiter enqueues its task and wakes a thread: ~4 µs each, work the writer
        // (the bottleneck under load) hands to another thread, one hand-off per batch.
        Self.completions.async { [succeeded, failed] in
            for job in succeeded { job.complete(nil) }
            for (job, error) in failed { job.complete(error) }
        }
    }

    /// Where the waiters of committed batches are resumed, in batch order.
    private static let completions = DispatchQueue(label: "stack.db.completions")
}
