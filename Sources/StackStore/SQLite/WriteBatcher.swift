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
/// `beforeCommit` runs after the last savepoint, just before COMMIT; if it throws, the whole
/// transaction is rolled back and each of its writes fails with that error.
struct WriteBatcher {
    var beforeCommit: ((Database) throws -> Void)?

    func runBatch(_ jobs: [WriteJob], on db: Database) {
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
                try beforeCommit?(db)
                try db.execute("COMMIT")
                succeeded.append(contentsOf: open)
            } catch {
                db.rollbackQuietly()
                for job in open { failed.append((job, error)) }
            }
        }
        for job in succeeded { job.complete(nil) }
        for (job, error) in failed { job.complete(error) }
    }
}
