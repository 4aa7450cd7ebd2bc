import Foundation

/// What a reader thread takes from the pool's queue: a read for its connection, or a slice of a
/// task that prefers the readers as its executor.
enum ReaderWork: @unchecked Sendable {  // each item is run once, by the reader thread that takes it
    case read((Database) -> Void)
    case task(UnownedJob)
}

/// The reader threads as a `TaskExecutor`.
///
/// A task that prefers it (`withTaskExecutorPreference(store.readExecutor) { … }`, or
/// `group.addTask(executorPreference:)`) runs on the reader threads, and each of its reads runs
/// inline on the connection of the thread it is on: no hop from the task to a reader thread and
/// back, which is most of what a point read costs otherwise. SQLite still runs only on the pool's
/// own threads, never on Swift's cooperative pool. Such a task holds its reader thread while it
/// runs, so it suits read-heavy work; writes still go to the writer, and the task comes back to a
/// reader thread when they finish.
extension DatabasePool: TaskExecutor {
    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        if !readerQueue.append(.task(job)) {
            // The pool has closed: finish the task elsewhere rather than strand it (its reads fail).
            let executor = asUnownedTaskExecutor()
            DispatchQueue.global().async { job.runSynchronously(on: executor) }
        }
    }
}

/// Which pool's read connection, if any, the current thread holds (a thread-local), so a read
/// made on that thread can use it directly instead of hopping to a reader thread.
///
/// Two kinds: the pool's own reader threads (any read runs inline; the context lives while the
/// thread's loop runs), and threads of the application bound with
/// ``DatabasePool/bindReadConnectionToCurrentThread()`` (an HTTP event loop, say: only short reads
/// run inline, under `lock`, and the pool closes the connection when it closes).
final class ReaderThreadContext: @unchecked Sendable {  // `database` is used under `lock`, or only by its own reader thread
    weak var pool: DatabasePool?
    /// `nil` once the pool has closed it.
    private var database: Database?
    /// A thread of the application's, not one of the pool's reader threads.
    let isBound: Bool
    private let lock = NSLock()

    init(pool: DatabasePool, database: Database, isBound: Bool) {
        self.pool = pool
        self.database = database
        self.isBound = isBound
    }

    /// The connection of one of the pool's own reader threads (never closed under it).
    var ownDatabase: Database { database! }

    /// Runs `body` on the connection, or returns `nil` if it is closed.
    func withDatabase<T>(_ body: (Database) throws -> T) rethrows -> T? {
        lock.lock()
        defer { lock.unlock() }
        guard let database else { return nil }
        return try body(database)
    }

    /// Closes the connection (waiting for a read in progress on it to finish).
    func closeDatabase() {
        lock.lock()
        defer { lock.unlock() }
        database?.close()
        database = nil
    }

    /// The current thread's context.
    static var current: ReaderThreadContext? {
        pthread_getspecific(key).map { Unmanaged<ReaderThreadContext>.fromOpaque($0).takeUnretainedValue() }
    }

    /// Makes `context` the current thread's, replacing any other (kept until the thread ends or
    /// another replaces it).
    static func makeCurrent(_ context: ReaderThreadContext?) {
        if let old = pthread_getspecific(key) {
            Unmanaged<ReaderThreadContext>.fromOpaque(old).release()
        }
        pthread_setspecific(key, context.map { Unmanaged.passRetained($0).toOpaque() })
    }

    /// Makes `context` the current thread's for the duration of `body`.
    static func withCurrent(_ context: ReaderThreadContext, _ body: () -> Void) {
        makeCurrent(context)
        defer { makeCurrent(nil) }
        body()
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        // At thread exit, release the context the thread still holds.
        pthread_key_create(&key) { pointer in
            #if canImport(Darwin)
            Unmanaged<ReaderThreadContext>.fromOpaque(pointer).release()
            #else
            if let pointer { Unmanaged<ReaderThreadContext>.fromOpaque(pointer).release() }
            #endif
        }
        return key
    }()
}
