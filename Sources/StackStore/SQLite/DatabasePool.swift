import CSQLite
import Foundation

/// A SQLite database in WAL mode: one writer connection on a thread of its own, and a pool of
/// read-only connections on threads of their own, so reads never wait for writes and no blocking
/// SQLite call ever runs on Swift's cooperative pool.
///
/// ```swift
/// let pool = try await DatabasePool.open(path: path, configuration: .init(), migrations: schema)
/// try await pool.write { db in try db.execute("INSERT INTO t VALUES (?)", [1]) }
/// let n = try await pool.read { db in try db.fetchOne("SELECT count(*) FROM t") { $0.int(0) } }
/// ```
package final class DatabasePool: Sendable {
    package let path: String
    package let configuration: DatabaseConfiguration
    private let writerQueue = JobQueue<WriteJob>()
    let readerQueue = JobQueue<ReaderWork>()
    /// Set once `close()` starts.
    private let closed = Locked(false)
    /// The background checkpoint thread, once started.
    private let checkpointer = Locked<Checkpointer?>(nil)
    /// Connections bound to application threads (``bindReadConnectionToCurrentThread()``).
    private let boundReaders = Locked<(contexts: [ReaderThreadContext], closed: Bool)>(([], false))
    /// Reader threads still running, and who waits for them to end.
    private let readerThreads = Locked<(running: Int, waiter: CheckedContinuation<Void, Never>?)>((0, nil))

    private init(path: String, configuration: DatabaseConfiguration) {
        self.path = path
        self.configuration = configuration
    }

    /// Opens (creating if needed) the database at `path`, applies the pragmas and migrations on the
    /// writer, then starts the readers.
    package static func open(
        path: String, configuration: DatabaseConfiguration, migrations: Migrations
    ) async throws -> DatabasePool {
        let pool = DatabasePool(path: path, configuration: configuration)
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            startNamedThread("stack.db.writer") { [pool] in
                let db: Database
                do {
                    db = try Database(path: path, mode: .create, busyTimeoutMilliseconds: configuration.busyTimeoutMilliseconds)
                    try pool.setUpWriter(db, migrations: migrations)
                } catch {
                    continuation.resume(throwing: error)
                    return
                }
                continuation.resume()
                pool.runWriter(db)
            }
        }
        for index in 0..<max(1, configuration.readerCount) {
            do {
                try await pool.startReader(index)
            } catch {
                await pool.close()
                throw error
            }
        }
        do {
            try await pool.startCheckpointer()
        } catch {
            await pool.close()
            throw error
        }
        return pool
    }

    private func setUpWriter(_ db: Database, migrations: Migrations) throws {
        let mode = try db.pragmaText("journal_mode = WAL")
        guard mode?.lowercased() == "wal" else {
            throw DatabaseError(extendedCode: SQLITE_ERROR, message: "could not enable WAL mode (got \(mode ?? "nil"))")
        }
        // SPEC §6: `full` flushes each commit before it is acknowledged. The writer commits with
        // NORMAL either way; with `full` the ``Acknowledger`` flushes the WAL before it resumes
        // the batch's waiters, while the writer goes on with the next batch.
        try db.executeScript("PRAGMA synchronous = NORMAL")
        // What an erase or an update removes is overwritten with zeros, not left in the file's
        // free space (Debian's build does this by default, other builds may not). Measured: no
        // change in patches/s, the pages being written anyway.
        try db.executeScript("PRAGMA secure_delete = ON")
        try db.executeScript("PRAGMA foreign_keys = ON")
        try db.executeScript("PRAGMA temp_store = MEMORY")
        // Checkpoints run on the checkpointer's thread; the writer's own is only a backstop, and
        // under constant writes the one that lets the WAL start over (docs/ARCHITECTURE.md,
        // threads). At 65,536 frames (256 MiB of WAL at most) it runs half as often as at 32,768:
        // patches +6 % (8,192: −8 %).
        try db.executeScript("PRAGMA wal_autocheckpoint = 65536")
        // The writer's cache holds the pages of its transactions and those the WAL holds newer
        // than the file; clean pages of the file come through mmap. 64 and 128 MiB measured no
        // faster on patches of a million records.
        try Self.tune(db, cacheKiB: 16384)
        // No `PRAGMA quick_check` here: it reads the whole file (seconds for a million records) at
        // every start. A file that is not a database fails above; `stack check` runs the full
        // integrity check (docs/OPERATIONS.md).
        try migrations.migrate(db)
        if let upkeep = configuration.upkeep {
            // Not fatal: the writer tries again after its first writes.
            try? db.inTransaction(.immediate) { db in try upkeep(db) }
        }
    }

    /// Page cache and memory-mapped I/O: reads of hot pages then cost no system call. SQLite
    /// caps the mapping at its build's limit (2 GiB for Debian's and the default build); pages
    /// beyond it are read with read().
    static func tune(_ db: Database, cacheKiB: Int) throws {
        try db.executeScript("PRAGMA cache_size = -\(cacheKiB); PRAGMA mmap_size = 68719476736")
    }

    private func runWriter(_ db: Database) {
        let acknowledger = Acknowledger(walPath: configuration.durability == .full ? path + "-wal" : nil)
        var batcher = WriteBatcher(upkeep: configuration.upkeep, upkeepInterval: configuration.upkeepInterval, acknowledger: acknowledger)
        while true {
            let jobs = writerQueue.takeAll(limit: configuration.maxBatchSize, waitingAtMostUntil: batcher.upkeepDeadline)
            if jobs.isEmpty {
                // No write came before the upkeep fell due.
                batcher.runUpkeepAlone(on: db)
                continue
            }
            var batch: [WriteJob] = []
            for job in jobs {
                switch job.kind {
                case .batched:
                    batch.append(job)
                case .exclusive:
                    batcher.runBatch(batch, on: db)
                    batch.removeAll()
                    do {
                        try job.run(db)
                        acknowledger.acknowledge(Acknowledger.Batch(succeeded: [job], failed: []))
                        batcher.noteWrite()
                    } catch {
                        db.rollbackQuietly()
                        acknowledger.acknowledge(Acknowledger.Batch(succeeded: [], failed: [(job, error)]))
                    }
                case .close:
                    batcher.runBatch(batch, on: db)
                    batch.removeAll()
                    batcher.runUpkeepAlone(on: db)
                    acknowledger.stop()  // flushes and acknowledges what is still pending
                    // Checkpoint so the WAL does not outlive a clean close.
                    try? db.executeScript("PRAGMA wal_checkpoint(TRUNCATE)")
                    db.close()  // before resuming `close()`'s caller, who may remove the files next
                    job.complete(nil)
                    return
                }
            }
            // With durability `normal` the batch also takes the writes queued while it runs (not
            // past an exclusive job, which must run after everything queued before it), up to the
            // batch limit: they share its commit instead of paying one of their own (creates, 32
            // writers: +5–10 %). With `full` a write waits for the flush, which already covers
            // every commit made meanwhile; a longer transaction only starts it later (patches
            // measured 4 % slower).
            var room = configuration.durability == .normal ? configuration.maxBatchSize - batch.count : 0
            batcher.runBatch(batch, on: db) {
                guard room > 0 else { return [] }
                let more = writerQueue.takeLeading(limit: room) { $0.kind == .batched }
                room -= more.count
                return more
            }
        }
    }

    private func startCheckpointer() async throws {
        let path = self.path
        let timeout = configuration.busyTimeoutMilliseconds
        let interval = configuration.checkpointInterval
        let started = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Checkpointer, any Error>) in
            DispatchQueue.global().async {
                do {
                    let db = try Database(path: path, mode: .readWrite, busyTimeoutMilliseconds: timeout)
                    continuation.resume(returning: Checkpointer(database: Handover(db), interval: interval))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
        checkpointer.withLock { $0 = started }
    }

    private func startReader(_ index: Int) async throws {
        let queue = readerQueue
        readerThreads.withLock { $0.running += 1 }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            startNamedThread("stack.db.rd.\(index)") { [self] in
                let db: Database
                do {
                    db = try self.openReadConnection(cacheKiB: 16384)
                } catch {
                    self.readerThreads.withLock { $0.running -= 1 }
                    continuation.resume(throwing: error)
                    return
                }
                continuation.resume()
                let executor = self.asUnownedTaskExecutor()
                ReaderThreadContext.withCurrent(ReaderThreadContext(pool: self, database: db, isBound: false)) {
                    while true {
                        // Under load a reader takes several queued jobs per wake-up; an empty batch
                        // means the pool is closing.
                        let jobs = queue.takeAll(limit: 8)
                        if jobs.isEmpty { break }
                        for job in jobs {
                            switch job {
                            case .read(let body): body(db)
                            case .task(let task): task.runSynchronously(on: executor)
                            }
                        }
                    }
                }
                db.close()
                let waiter = self.readerThreads.withLock { state -> CheckedContinuation<Void, Never>? in
                    state.running -= 1
                    return state.running == 0 ? state.waiter : nil
                }
                waiter?.resume()
            }
        }
    }

    /// Runs `body` on the writer, inside the next group-committed transaction, in a savepoint of
    /// its own; returns once the transaction is committed (and, with durability `full`, flushed).
    /// - Throws: the body's error (its changes rolled back, other writes unaffected), or the
    ///   commit's error.
    package func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await enqueueWrite(kind: .batched, body)
    }

    /// Runs `body` on the writer alone, outside any transaction (for statements that cannot run
    /// inside one, or work that manages its own transactions).
    package func writeWithoutTransaction<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await enqueueWrite(kind: .exclusive, body)
    }

    private func enqueueWrite<T: Sendable>(kind: WriteJob.Kind, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let result = Handover<T>()
        return try await withCheckedThrowingContinuation { continuation in
            let job = WriteJob(
                kind: kind,
                body: { db in result.value = try body(db) },
                completion: { error in
                    if let error {
                        continuation.resume(throwing: error)
                    } else {
                        continuation.resume(returning: result.value!)
                    }
                })
            // A closed queue refuses the job, so it fails at once instead of waiting for a stopped thread.
            if !writerQueue.append(job) {
                continuation.resume(throwing: DatabaseError(extendedCode: SQLITE_MISUSE, message: "the database is closed"))
            }
        }
    }

    /// Runs `body` on a reader connection, in a read transaction (one consistent snapshot).
    /// - Parameter snapshot: `false` skips the explicit transaction, for a body that runs a single
    ///   statement (which SQLite reads from one snapshot anyway).
    /// A task running on this pool's reader threads (see ``DatabasePool/enqueue(_:)``) reads
    /// inline, on its thread's connection; so does a `short` read made on a thread bound with
    /// ``bindReadConnectionToCurrentThread()``.
    /// - Parameter short: the read looks up a row or two by key (microseconds), so it may run on
    ///   a bound application thread without holding it up.
    package func read<T: Sendable>(
        snapshot: Bool = true, short: Bool = false, _ body: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        if let context = ReaderThreadContext.current, context.pool === self {
            let run = { (db: Database) throws -> T in try snapshot ? db.inTransaction(.deferred) { db in try body(db) } : body(db) }
            if !context.isBound {
                return try run(context.ownDatabase)
            }
            if short, let value = try context.withDatabase(run) {
                return value
            }
        }
        return try await withCheckedThrowingContinuation { continuation in
            let job = ReaderWork.read { db in
                do {
                    let value = snapshot ? try db.inTransaction(.deferred) { db in try body(db) } : try body(db)
                    continuation.resume(returning: value)
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            if !readerQueue.append(job) {
                continuation.resume(throwing: DatabaseError(extendedCode: SQLITE_MISUSE, message: "the database is closed"))
            }
        }
    }

    /// A read-only connection with the readers' page cache, memory map and attachments.
    private func openReadConnection(cacheKiB: Int) throws -> Database {
        let db = try Database(path: path, mode: .readOnly, busyTimeoutMilliseconds: configuration.busyTimeoutMilliseconds)
        try DatabasePool.tune(db, cacheKiB: cacheKiB)
        for (schema, file) in configuration.readerAttachments {
            try db.execute("ATTACH DATABASE ? AS \(schema)", [file])
        }
        return db
    }

    /// Gives the calling thread a read-only connection of its own (with the readers'
    /// attachments): from then on the `short` reads made on this thread run inline on it, without
    /// the two hops to a reader thread and back. For the application's own long-lived threads
    /// that serve many point reads and never block for long (an HTTP event loop); never for a
    /// thread of Swift's cooperative pool. The pool closes the connection when it closes.
    package func bindReadConnectionToCurrentThread() throws {
        let db = try openReadConnection(cacheKiB: 4096)
        let context = ReaderThreadContext(pool: self, database: db, isBound: true)
        let accepted = boundReaders.withLock { state -> Bool in
            guard !state.closed else { return false }
            state.contexts.append(context)
            return true
        }
        guard accepted else {
            db.close()
            throw DatabaseError(extendedCode: SQLITE_MISUSE, message: "the database is closed")
        }
        ReaderThreadContext.makeCurrent(context)
    }

    /// Finishes the queued writes, closes the readers, checkpoints and closes the writer.
    package func close() async {
        let alreadyClosed = closed.withLock { closed in
            defer { closed = true }
            return closed
        }
        guard !alreadyClosed else { return }
        let bound = boundReaders.withLock { state in
            state.closed = true
            defer { state.contexts.removeAll() }
            return state.contexts
        }
        for context in bound { context.closeDatabase() }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = readerThreads.withLock { state -> Bool in
                if state.running == 0 { return true }
                state.waiter = continuation
                return false
            }
            readerQueue.close(with: [])
            if done { continuation.resume() }
        }
        if let checkpointer = checkpointer.withLock({ $0 }) {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                DispatchQueue.global().async {
                    checkpointer.stop()
                    continuation.resume()
                }
            }
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            writerQueue.close(with: [WriteJob(kind: .close, body: { _ in }, completion: { _ in continuation.resume() })])
        }
    }
}

