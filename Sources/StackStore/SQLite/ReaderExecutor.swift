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

/// Which pool's reader connection, if any, the current thread holds (a thread-local), so a read
/// made by a task running on a reader thread uses that connection directly.
final class ReaderThreadContext {
    unowned(unsafe) let pool: DatabasePool  // the pool outlives its reader threads
    let database: Database

    init(pool: DatabasePool, database: Database) {
        self.pool = pool
        self.database = database
    }

    /// The current thread's context, unretained: the reader thread keeps it alive while it runs.
    static var current: ReaderThreadContext? {
        pthread_getspecific(key).map { Unmanaged<ReaderThreadContext>.fromOpaque($0).takeUnretainedValue() }
    }

    /// Makes `context` the current thread's for the duration of `body`.
    static func withCurrent(_ context: ReaderThreadContext, _ body: () -> Void) {
        pthread_setspecific(key, Unmanaged.passUnretained(context).toOpaque())
        defer { pthread_setspecific(key, nil) }
        withExtendedLifetime(context) { body() }
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()
}
