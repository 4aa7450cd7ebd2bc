import Foundation
import Testing
@testable import StackStore

@Suite struct DatabasePoolTests {
    static let schema = Migrations([.init(version: 1, sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)")])

    func withPool(_ durability: Durability = .full, _ body: (DatabasePool) async throws -> Void) async throws {
        let dir = TemporaryDirectory()
        let pool = try await DatabasePool.open(
            path: dir.path + "/p.db", configuration: DatabaseConfiguration(durability: durability, readerCount: 2),
            migrations: DatabasePoolTests.schema)
        do { try await body(pool) } catch {
            await pool.close()
            dir.remove()
            throw error
        }
        await pool.close()
        dir.remove()
    }

    /// Starts a write that inserts `name` and then holds the writer thread until `release` is
    /// signalled; returns once the write is running. (Should its batch run again, the write holds
    /// nothing the second time: the writes queued meanwhile join its batch.)
    func holdWriter(_ pool: DatabasePool, inserting name: String) async throws -> (write: Task<Void, any Error>, release: DispatchSemaphore) {
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let held = Locked(false)
        let write = Task {
            try await pool.write { db in
                try db.execute("INSERT INTO t (name) VALUES (?)", [name])
                guard !held.withLock({ $0 }) else { return }
                held.withLock { $0 = true }
                started.signal()
                release.wait()
            }
        }
        try await Blocking.run { started.wait() }
        return (write, release)
    }

    #if os(Linux)
    /// The store's threads carry their names (as `top -H`, `perf` and debuggers show them).
    @Test func theStoresThreadsAreNamed() async throws {
        try await withStack { _ in
            var names: Set<String> = []
            for task in try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task") {
                if let name = try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8) {
                    names.insert(name.trimmingCharacters(in: .whitespacesAndNewlines))
                }
            }
            let expected: Set = ["stack.db.writer", "stack.db.ack", "stack.db.ckpt", "stack.db.search", "stack.db.rd.0", "stack.db.rd.1"]
            #expect(expected.isSubset(of: names), "missing: \(expected.subtracting(names).sorted())")
        }
    }
    #endif

    @Test func opensInWALWithForeignKeysAndCommitsWithoutWaitingForTheDisk() async throws {
        try await withPool { pool in
            let (mode, fk, sync) = try await pool.write { db in
                (try db.pragmaText("journal_mode"), try db.pragmaInt("foreign_keys"), try db.pragmaInt("synchronous"))
            }
            #expect(mode == "wal")
            #expect(fk == 1)
            #expect(sync == 1)  // NORMAL: with `full`, the Acknowledger flushes the WAL before acknowledging
        }
    }

    @Test func aWriteWhoseWALCannotBeFlushedIsNotAcknowledged() async throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let job = { (outcome: @escaping @Sendable ((any Error)?) -> Void) in
            WriteJob(kind: .batched, body: { _ in }, completion: outcome)
        }
        let flushed = Acknowledger(walPath: dir.path + "/present-wal")
        _ = FileManager.default.createFile(atPath: dir.path + "/present-wal", contents: Data("frames".utf8))
        let missing = Acknowledger(walPath: dir.path + "/missing-wal")
        let immediate = Acknowledger(walPath: nil)
        for (acknowledger, expectError) in [(flushed, false), (missing, true), (immediate, false)] {
            let error: (any Error)? = await withCheckedContinuation { continuation in
                acknowledger.acknowledge(.init(succeeded: [job { continuation.resume(returning: $0) }], failed: []))
            }
            #expect((error != nil) == expectError)
            // A write that failed on its own keeps its own error, flushed or not.
            let own: (any Error)? = await withCheckedContinuation { continuation in
                acknowledger.acknowledge(.init(succeeded: [], failed: [(job { continuation.resume(returning: $0) }, StoreError.unavailable)]))
            }
            #expect(own is StoreError)
            acknowledger.stop()
        }
    }

    @Test func failingWriteInABatchDoesNotAffectTheOthers() async throws {
        try await withPool { pool in
            try await pool.write { db in try db.execute("INSERT INTO t (name) VALUES ('taken')") }
            let results = await withTaskGroup(of: Bool.self) { group in
                for i in 0..<50 {
                    group.addTask {
                        let name = i % 5 == 0 ? "taken" : "n\(i)"
                        do {
                            try await pool.write { db in
                                try db.execute("INSERT INTO t (name) VALUES (?)", [name + "-pre"])
                                try db.execute("INSERT INTO t (name) VALUES (?)", [name])
                            }
                            return true
                        } catch {
                            return false
                        }
                    }
                }
                var all: [Bool] = []
                for await ok in group { all.append(ok) }
                return all
            }
            #expect(results.filter { $0 }.count == 40)
            let count = try await pool.read { db in try db.fetchOne("SELECT count(*) FROM t") { $0.int(0) } }
            // 1 initial + 40 writes × 2 rows; the failed writes' "-pre" rows were rolled back.
            #expect(count == 81)
            let pre = try await pool.read { db in try db.exists("SELECT 1 FROM t WHERE name = 'taken-pre'") }
            #expect(!pre)
        }
    }

    /// A batch runs its writes without savepoints until one fails after changing something; then
    /// the batch is redone with savepoints. Every write still succeeds or fails on its own.
    @Test(.timeLimit(.minutes(1))) func aWriteFailingAfterItsChangesLeavesNothingBehind() async throws {
        struct Refused: Error {}
        try await withPool(.normal) { pool in
            // Hold the writer so that the writes below queue up and form one batch.
            let (holder, release) = try await holdWriter(pool, inserting: "first")
            let writes: [@Sendable (Database) throws -> Void] = [
                { db in try db.execute("INSERT INTO t (name) VALUES ('a')") },
                { _ in throw Refused() },  // fails before changing anything
                { db in
                    try db.execute("INSERT INTO t (name) VALUES ('c')")
                    throw Refused()  // fails after a change
                },
                { db in
                    try db.execute("CREATE TABLE scratch (x)")
                    throw Refused()  // fails after a schema change
                },
                { db in try db.execute("INSERT INTO t (name) VALUES ('e')") },
                { db in try db.execute("INSERT INTO t (name) VALUES ('a')") },  // UNIQUE: SQLite refuses the statement
                { db in try db.execute("UPDATE t SET name = 'first!' WHERE name = 'first'") },
            ]
            let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
                for (index, write) in writes.enumerated() {
                    group.addTask {
                        do {
                            try await pool.write(write)
                            return (index, true)
                        } catch {
                            return (index, false)
                        }
                    }
                }
                try? await Task.sleep(for: .milliseconds(200))  // let them queue behind the holder
                release.signal()
                var all: [Int: Bool] = [:]
                for await (index, ok) in group { all[index] = ok }
                return all
            }
            try await holder.value
            // Writes 0 and 5 insert the same unique name: whichever the writer takes first succeeds
            // (the tasks reach the queue in no set order).
            #expect(outcomes[0] != nil && outcomes[0] != outcomes[5])
            var others = outcomes
            others[0] = nil
            others[5] = nil
            #expect(others == [1: false, 2: false, 3: false, 4: true, 6: true])
            let names = try await pool.read { db in try db.fetchAll("SELECT name FROM t ORDER BY name") { $0.text(0) } }
            #expect(names == ["a", "e", "first!"])
            let scratch = try await pool.read { db in try db.exists("SELECT 1 FROM sqlite_master WHERE name = 'scratch'") }
            #expect(!scratch)
        }
    }

    /// With durability `normal`, a write queued while a batch runs joins that batch's
    /// transaction: the batch's first write is acknowledged only once the later one has run too,
    /// in the same commit. With `full` the batch commits without it.
    @Test(.timeLimit(.minutes(1)), arguments: [Durability.normal, .full])
    func aWriteQueuedWhileABatchRunsSharesItsCommitWhenNormal(_ durability: Durability) async throws {
        try await withPool(durability) { pool in
            let (holder, release) = try await holdWriter(pool, inserting: "first")
            let ran = Locked(false)
            let later = Task {
                try await pool.write { db in
                    Thread.sleep(forTimeInterval: 0.5)  // long after the first write's own commit (and flush) would be
                    try db.execute("INSERT INTO t (name) VALUES ('later')")
                    ran.withLock { $0 = true }
                }
            }
            try await Task.sleep(for: .milliseconds(100))  // queued behind the holder
            release.signal()
            try await holder.value
            #expect(ran.withLock { $0 } == (durability == .normal))
            try await later.value
        }
    }

    /// A batch takes no write queued behind a job that runs alone: order is kept.
    @Test(.timeLimit(.minutes(1))) func aBatchTakesNoWriteQueuedBehindAnExclusiveJob() async throws {
        try await withPool(.normal) { pool in
            let order = Locked<[String]>([])
            let (holder, release) = try await holdWriter(pool, inserting: "first")
            let alone = Task {
                try await pool.writeWithoutTransaction { db in
                    let name = db.isInsideTransaction ? "alone, in a transaction" : "alone"
                    order.withLock { $0.append(name) }
                }
            }
            try await Task.sleep(for: .milliseconds(50))
            let later = Task {
                try await pool.write { _ in order.withLock { $0.append("later") } }
            }
            try await Task.sleep(for: .milliseconds(50))
            release.signal()
            try await holder.value
            try await alone.value
            try await later.value
            #expect(order.withLock { $0 } == ["alone", "later"])
        }
    }

    /// The deferred upkeep (the store's full-text index) runs inside write batches; when it
    /// fails, its own changes are undone and the writes still commit.
    @Test func aFailingUpkeepNeverFailsWrites() async throws {
        struct Broken: Error {}
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        var configuration = DatabaseConfiguration(durability: .normal, readerCount: 1)
        configuration.upkeepInterval = 0
        configuration.upkeep = { db in
            try db.execute("CREATE TABLE IF NOT EXISTS upkept (x)")
            try db.execute("INSERT INTO upkept VALUES (1)")
            throw Broken()
        }
        let pool = try await DatabasePool.open(path: dir.path + "/u.db", configuration: configuration, migrations: DatabasePoolTests.schema)
        for i in 0..<20 {
            try await pool.write { db in try db.execute("INSERT INTO t (name) VALUES (?)", ["n\(i)"]) }
        }
        let count = try await pool.read { db in try db.fetchOne("SELECT count(*) FROM t") { $0.int(0) } }
        let upkept = try await pool.read { db in try db.exists("SELECT 1 FROM sqlite_master WHERE name = 'upkept'") }
        await pool.close()
        #expect(count == 20)
        #expect(!upkept)
    }

    /// Reads never wait for writes: a read completes while a write transaction is held open.
    @Test(.timeLimit(.minutes(1))) func readsDoNotWaitForAnOpenWrite() async throws {
        try await withPool { pool in
            try await pool.write { db in try db.execute("INSERT INTO t (name) VALUES ('before')") }
            // The write blocks the writer thread (never the cooperative pool) until released.
            let (writer, release) = try await holdWriter(pool, inserting: "during")
            let names = try await pool.read { db in try db.fetchAll("SELECT name FROM t ORDER BY id") { $0.text(0) } }
            #expect(names == ["before"])  // the uncommitted row is invisible, and the read did not block
            release.signal()
            try await writer.value
            let after = try await pool.read { db in try db.fetchAll("SELECT name FROM t ORDER BY id") { $0.text(0) } }
            #expect(after == ["before", "during"])
        }
    }

    @Test func readersAreReadOnly() async throws {
        try await withPool { pool in
            await #expect(throws: DatabaseError.self) {
                try await pool.read { db in try db.execute("INSERT INTO t (name) VALUES ('x')") }
            }
        }
    }

    @Test func readsSeeCommittedWrites() async throws {
        try await withPool(.normal) { pool in
            for i in 0..<20 {
                try await pool.write { db in try db.execute("INSERT INTO t (name) VALUES (?)", ["r\(i)"]) }
                let n = try await pool.read { db in try db.fetchOne("SELECT count(*) FROM t") { $0.int(0) } }
                #expect(n == i + 1)
            }
        }
    }

    @Test func tasksOnTheReadExecutorRunOnReaderThreadsAndReadInline() async throws {
        try await withPool(.normal) { pool in
            #expect(ReaderThreadContext.current == nil)  // the test itself runs on Swift's pool
            try await withTaskExecutorPreference(pool) {
                for i in 0..<20 {
                    // The write goes to the writer; the task comes back to a reader thread.
                    try await pool.write { db in try db.execute("INSERT INTO t (name) VALUES (?)", ["r\(i)"]) }
                    let context = try #require(ReaderThreadContext.current)
                    #expect(context.pool === pool)
                    let own = ObjectIdentifier(context.ownDatabase)
                    let (n, inline) = try await pool.read { db in
                        (try db.fetchOne("SELECT count(*) FROM t") { $0.int(0) }, ObjectIdentifier(db) == own)
                    }
                    #expect(n == i + 1)  // an inline read sees every acknowledged write
                    #expect(inline)
                }
                await #expect(throws: DatabaseError.self) {
                    try await pool.read { db in try db.execute("INSERT INTO t (name) VALUES ('x')") }
                }
            }
        }
    }

    @Test(.timeLimit(.minutes(1))) func aTaskOnTheReadExecutorOfAClosedPoolStillFinishes() async throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let pool = try await DatabasePool.open(
            path: dir.path + "/p.db", configuration: DatabaseConfiguration(durability: .normal, readerCount: 1),
            migrations: DatabasePoolTests.schema)
        await pool.close()
        let outcome: String = await withTaskExecutorPreference(pool) {
            do {
                _ = try await pool.read { db in try db.fetchOne("SELECT 1") { $0.int(0) } }
                return "read"
            } catch {
                return "failed"
            }
        }
        #expect(outcome == "failed")
    }

    @Test(.timeLimit(.minutes(1))) func aBoundThreadRunsShortReadsInlineAndOthersOnTheReaders() async throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let pool = try await DatabasePool.open(
            path: dir.path + "/p.db", configuration: DatabaseConfiguration(durability: .normal, readerCount: 1),
            migrations: DatabasePoolTests.schema)
        let loop = SingleThreadExecutor()
        try await withTaskExecutorPreference(loop) {
            try pool.bindReadConnectionToCurrentThread()
            let here = SingleThreadExecutor.currentThreadID()
            for i in 0..<5 {
                try await pool.write { db in try db.execute("INSERT INTO t (name) VALUES (?)", ["r\(i)"]) }
                let (count, thread) = try await pool.read(snapshot: false, short: true) { db in
                    (try db.fetchOne("SELECT count(*) FROM t") { $0.int(0) }, SingleThreadExecutor.currentThreadID())
                }
                #expect(count == i + 1)  // sees every acknowledged write
                #expect(thread == here)  // inline, on the bound thread
                let elsewhere = try await pool.read { _ in SingleThreadExecutor.currentThreadID() }
                #expect(elsewhere != here)  // not short: on a reader thread
            }
        }
        await pool.close()
        _ = await withTaskExecutorPreference(loop) {
            // Its connection closed with the pool: the read fails, nothing crashes.
            await #expect(throws: DatabaseError.self) {
                try await pool.read(snapshot: false, short: true) { db in try db.fetchOne("SELECT 1") { $0.int(0) } }
            }
        }
        loop.stop()
    }
}

/// A task executor running its jobs on one thread of its own (like an HTTP event loop).
final class SingleThreadExecutor: TaskExecutor, @unchecked Sendable {  // `jobs` is guarded by `condition`
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopping = false

    init() {
        let thread = Thread { [self] in
            while true {
                condition.lock()
                while jobs.isEmpty && !stopping { condition.wait() }
                if jobs.isEmpty && stopping {
                    condition.unlock()
                    return
                }
                let job = jobs.removeFirst()
                condition.unlock()
                job.runSynchronously(on: asUnownedTaskExecutor())
            }
        }
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    static func currentThreadID() -> UInt {
        #if canImport(Darwin)
        UInt(bitPattern: pthread_self())
        #else
        UInt(pthread_self())
        #endif
    }
}
