import CSQLite
import Foundation

/// The thread that keeps `search.db` (``FullTextIndex``) caught up with `stack.db`'s change log,
/// on a connection of its own with `stack.db` attached as `store`, which it only reads, from WAL
/// snapshots: it never waits for the writer nor makes it wait.
///
/// It wakes every `interval` (50 ms) and indexes what the changes since its last pass touched,
/// so under a stream of writes each pass takes a few hundred of them in one transaction and one
/// FTS5 segment. A search asks for the index to reach the latest committed change first
/// (``waitUntilIndexed(through:)``): that wakes the thread at once, and the search sees every
/// write committed before it began.
final class FullTextIndexer: @unchecked Sendable {  // mutable state is guarded by `condition`
    private var thread: DedicatedThread!
    private var condition: NSCondition { thread.condition }
    /// A search is waiting: run the next pass now.
    private var urgent = false
    /// The change the index has caught up with; `nil` before the first pass and during a rebuild.
    private var indexedThrough: Int64?
    /// Searches waiting for the index to reach `target`; `firstPass` is the first pass that
    /// started after they asked (an earlier pass's failure is not theirs).
    private var waiters: [(target: Int64, firstPass: Int, continuation: CheckedContinuation<Void, any Error>)] = []
    /// Passes started so far.
    private var startedPasses = 0

    /// Passes started so far (for tests).
    var passCount: Int { condition.withLock { startedPasses } }

    /// Records (rebuild) or changes handled per transaction.
    static let passLimit = 20_000

    /// Opens `search.db` at `path`, creating it (or, as it holds only derived data, creating it
    /// afresh when it is damaged or from a newer program). Blocking. The readers attach it, so
    /// it must exist before they start.
    static func openDatabase(path: String, busyTimeoutMilliseconds: Int32) throws -> Database {
        do {
            return try setUp(Database(path: path, mode: .create, busyTimeoutMilliseconds: busyTimeoutMilliseconds))
        } catch {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            return try setUp(Database(path: path, mode: .create, busyTimeoutMilliseconds: busyTimeoutMilliseconds))
        }
    }

    private static func setUp(_ db: Database) throws -> Database {
        guard try db.pragmaText("journal_mode = WAL")?.lowercased() == "wal" else {
            throw DatabaseError(extendedCode: SQLITE_ERROR, message: "could not enable WAL mode for the full-text index")
        }
        // Derived data: a power loss may cost the last passes, which the next run redoes.
        // `secure_delete`: an erased record's text (`docs`) is overwritten, as in `stack.db`.
        try db.executeScript("PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY; PRAGMA secure_delete = ON")
        try FullTextIndex.migrations.migrate(db)
        try ContentText.register(on: db)
        return db
    }

    /// Attaches `stack.db` to `db`, checks the index follows it (or plans a rebuild), and starts
    /// the thread, which owns `db` from then on. Blocking.
    /// - Parameter latestChange: the latest change committed through this process's store; while
    ///   the index holds it, the thread skips its passes (it still makes one every
    ///   `idlePassInterval`, for changes made by another program).
    init(database db: Database, storePath: String, interval: TimeInterval, latestChange: @escaping @Sendable () -> Int64) throws {
        try db.execute("ATTACH DATABASE ? AS store", [storePath])
        try FullTextIndex.prepare(db)
        let handover = Handover(db)
        thread = DedicatedThread(name: "stack.db.search") { [self] thread in
            let db = handover.value!
            handover.value = nil
            run(db, thread: thread, interval: interval, latestChange: latestChange)
            db.close()
        }
    }

    /// How often an idle indexer looks at the change log anyway.
    static let idlePassInterval: TimeInterval = 5

    private func run(_ db: Database, thread: DedicatedThread, interval: TimeInterval, latestChange: () -> Int64) {
        let condition = thread.condition
        var more = true
        var lastPass = Date.distantPast
        while true {
            condition.lock()
            let stop = urgent || more ? thread.isStopping : thread.waitUnlessStopping(until: Date(timeIntervalSinceNow: interval))
            let asked = urgent
            urgent = false
            let known = indexedThrough
            condition.unlock()
            if stop { return }
            // Nothing new since the last pass: no transaction at all (an idle stack costs a lock
            // read every 50 ms). A search that arrives meanwhile sets `urgent` again.
            if !asked, !more, let known, latestChange() <= known, Date().timeIntervalSince(lastPass) < Self.idlePassInterval {
                continue
            }
            let pass = condition.withLock { () -> Int in
                defer { startedPasses += 1 }
                return startedPasses
            }
            lastPass = Date()
            let outcome = Result { try FullTextIndex.indexNext(db, limit: Self.passLimit) }
            more = (try? outcome.get().more) ?? false
            let ready = condition.withLock { () -> [(CheckedContinuation<Void, any Error>, (any Error)?)] in
                switch outcome {
                case .success(let progress):
                    indexedThrough = progress.indexedThrough
                    guard let through = progress.indexedThrough else { return [] }
                    let (done, waiting) = waiters.partitioned { $0.target <= through }
                    waiters = waiting
                    return done.map { ($0.continuation, nil) }
                case .failure(let error):
                    // The searches that asked before this pass began fail with its error; those
                    // that asked during it wait for the next one, which follows at once.
                    let (failed, waiting) = waiters.partitioned { $0.firstPass <= pass }
                    waiters = waiting
                    if !waiting.isEmpty { urgent = true }
                    return failed.map { ($0.continuation, error) }
                }
            }
            for (continuation, error) in ready {
                if let error { continuation.resume(throwing: error) } else { continuation.resume() }
            }
        }
    }

    /// Returns once every change up to `seq` is indexed.
    /// - Throws: the error of the next pass, if it fails; `StoreError.unavailable` once the
    ///   indexer has stopped.
    func waitUntilIndexed(through seq: Int64) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let immediate: Result<Void, any Error>? = condition.withLock {
                if thread.isStopping { return .failure(StoreError.unavailable) }
                if let indexedThrough, indexedThrough >= seq { return .success(()) }
                waiters.append((seq, startedPasses, continuation))
                urgent = true
                condition.signal()
                return nil
            }
            if let immediate { continuation.resume(with: immediate) }
        }
    }

    /// Stops the thread and waits for it to end; searches still waiting fail. Blocking: call it
    /// off the cooperative pool.
    func stop() {
        var abandoned: [CheckedContinuation<Void, any Error>] = []
        thread.stop {
            abandoned = waiters.map(\.continuation)
            waiters.removeAll()
        }
        for continuation in abandoned { continuation.resume(throwing: StoreError.unavailable) }
    }
}

extension Array {
    /// The elements that satisfy `belongs`, and the others, each in their order.
    fileprivate func partitioned(_ belongs: (Element) -> Bool) -> ([Element], [Element]) {
        var yes: [Element] = []
        var no: [Element] = []
        for element in self {
            if belongs(element) { yes.append(element) } else { no.append(element) }
        }
        return (yes, no)
    }
}

extension Store {
    /// Waits, before a search, until the full-text index holds every write committed so far.
    func bringFullTextIndexUpToDate() async throws(StoreError) {
        do {
            try await indexer.waitUntilIndexed(through: notifier.latest)
        } catch {
            throw StoreError.wrap(error)
        }
    }
}
