import Foundation

/// Copies the WAL back into the database file from a connection and thread of its own, so the
/// writer never pays for a checkpoint (and its fsync) inside a commit.
///
/// The writer's automatic checkpoint stays on with a high threshold as a backstop; this thread
/// runs `PRAGMA wal_checkpoint(PASSIVE)` every `interval`, which never blocks the writer or
/// the readers (a passive checkpoint copies only frames no reader still needs).
final class Checkpointer: @unchecked Sendable {  // `stopping` is guarded by `condition`
    private let condition = NSCondition()
    private var stopping = false
    private var stopped = false

    /// Starts the thread; `db` is handed to it and used only there.
    init(database: Handover<Database>, interval: TimeInterval) {
        let thread = Thread { [self] in
            let db = database.value!
            database.value = nil
            while true {
                condition.lock()
                if !stopping { _ = condition.wait(until: Date(timeIntervalSinceNow: interval)) }
                let stop = stopping
                condition.unlock()
                if stop { break }
                _ = try? db.fetchOne("PRAGMA wal_checkpoint(PASSIVE)") { $0.int(0) }
            }
            db.close()
            condition.lock()
            stopped = true
            condition.broadcast()
            condition.unlock()
        }
        thread.name = "stack.db.checkpointer"
        thread.start()
    }

    /// Stops the thread and waits for it to end. Blocking: call it off the cooperative pool.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !stopped { condition.wait() }
        condition.unlock()
    }
}
