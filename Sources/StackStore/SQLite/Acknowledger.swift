import CSQLite
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Resumes the waiters of committed write batches, on a thread of its own, after making the
/// commits durable when the durability is `full` (SPEC §6).
///
/// With `full`, the writer commits with `synchronous=NORMAL` (the WAL frames reach the OS, not the
/// disk) and goes straight on with the next batch, while this thread flushes the WAL file
/// (`fdatasync`) and only then acknowledges the batches committed before the flush began. One
/// flush covers every batch committed meanwhile. So the writer never waits for the disk, and no
/// write is acknowledged before its commit is on disk, which is what `synchronous=FULL` gives,
/// at a fraction of the cost. The difference: another connection may read a commit a moment
/// before it is flushed; after a power loss such a write can be gone, but it was never
/// acknowledged to its writer. (A `kill -9` loses nothing either way: the OS keeps the frames.)
///
/// With `normal`, batches are acknowledged at once, off the writer thread (resuming a waiter
/// costs microseconds the writer is better without).
final class Acknowledger: @unchecked Sendable {  // `pending` is guarded by `thread.condition`; `wal` is the thread's own
    /// The waiters of one batch and their outcome.
    struct Batch {
        var succeeded: [WriteJob]
        var failed: [(WriteJob, any Error)]
    }

    /// `SQLITE_IOERR_FSYNC`, a macro Swift does not import.
    private static let ioErrorFsync: Int32 = SQLITE_IOERR | (4 << 8)

    private let walPath: String?
    private var thread: DedicatedThread!
    private var pending: [Batch] = []
    /// The WAL file's descriptor and inode, opened at the first flush (SQLite creates the file).
    private var wal: (fd: Int32, inode: UInt64)?

    /// - Parameter walPath: the WAL file to flush before acknowledging, or `nil` to acknowledge at once.
    init(walPath: String?) {
        self.walPath = walPath
        thread = DedicatedThread(name: "stack.db.ack") { [self] thread in run(thread) }
    }

    /// Hands over a committed batch (from the writer thread). Never blocks for long.
    func acknowledge(_ batch: Batch) {
        guard !batch.succeeded.isEmpty || !batch.failed.isEmpty else { return }
        thread.condition.withLock {
            pending.append(batch)
            thread.condition.signal()
        }
    }

    /// Acknowledges what is pending, then ends the thread and waits for it. Blocking.
    func stop() { thread.stop() }

    private func run(_ thread: DedicatedThread) {
        let condition = thread.condition
        while true {
            condition.lock()
            while pending.isEmpty && !thread.isStopping { condition.wait() }
            let batches = pending
            pending.removeAll(keepingCapacity: true)
            let stop = thread.isStopping && batches.isEmpty
            condition.unlock()
            if stop { break }
            // The batches were committed before this flush starts, so it covers them.
            let flushError = batches.contains { !$0.succeeded.isEmpty } ? flush() : nil
            for batch in batches {
                for job in batch.succeeded { job.complete(flushError) }
                for (job, error) in batch.failed { job.complete(error) }
            }
        }
        if let wal { close(wal.fd) }
    }

    /// Flushes the WAL file to disk; the error that made it fail, if any. A failed flush fails
    /// the batch's writes even though they are committed: an acknowledgement must never promise
    /// what the disk may not hold (the same choice SQLite makes when `synchronous=FULL`'s sync fails).
    private func flush() -> (any Error)? {
        guard let walPath else { return nil }
        do {
            let fd = try walDescriptor(walPath)
            #if canImport(Glibc)
                let result = fdatasync(fd)
            #else
                let result = fsync(fd)
            #endif
            if result != 0 {
                throw DatabaseError(extendedCode: Self.ioErrorFsync, message: "could not flush the WAL: \(String(cString: strerror(errno)))")
            }
            return nil
        } catch {
            return error
        }
    }

    /// The WAL file's descriptor, reopened should the file have been replaced (a new inode).
    private func walDescriptor(_ path: String) throws(DatabaseError) -> Int32 {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw DatabaseError(extendedCode: Self.ioErrorFsync, message: "the WAL file is missing: \(String(cString: strerror(errno)))")
        }
        if let wal, wal.inode == UInt64(info.st_ino) { return wal.fd }
        if let wal { close(wal.fd) }
        wal = nil
        let fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else {
            throw DatabaseError(extendedCode: Self.ioErrorFsync, message: "could not open the WAL: \(String(cString: strerror(errno)))")
        }
        wal = (fd, UInt64(info.st_ino))
        return fd
    }
}
