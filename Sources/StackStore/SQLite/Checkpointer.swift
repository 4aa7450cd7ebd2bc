import Foundation

/// Copies the WAL back into the database file from a connection and thread of its own, so the
/// writer never pays for a checkpoint (and its fsync) inside a commit.
///
/// The writer's automatic checkpoint stays on with a high threshold as a backstop; this thread
/// runs `PRAGMA wal_checkpoint(PASSIVE)` every `interval`, which never blocks the writer or
/// the readers (a passive checkpoint copies only frames no reader still needs).
final class Checkpointer: Sendable {
    private let thread: DedicatedThread

    /// Starts the thread; `db` is handed to it and used only there.
    init(database: Handover<Database>, interval: TimeInterval) {
        thread = DedicatedThread(name: "stack.db.ckpt") { thread in
            let db = database.value!
            database.value = nil
            while !thread.condition.withLock({ thread.waitUnlessStopping(until: Date(timeIntervalSinceNow: interval)) }) {
                _ = try? db.fetchOne("PRAGMA wal_checkpoint(PASSIVE)") { $0.int(0) }
            }
            db.close()
        }
    }

    /// Stops the thread and waits for it to end. Blocking: call it off the cooperative pool.
    func stop() { thread.stop() }
}
